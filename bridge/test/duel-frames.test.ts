// Golden frames of protocol §4.6–4.8, with exact key order (toStrictEqual plus Object.keys).
import { describe, expect, it } from "vitest";
import { duelFrames } from "../src/legacy/duel-frames.ts";
import type { DuelFeedSubscription } from "../src/operations/generated/graphql.ts";

type Event = DuelFeedSubscription["invitationEvents"];
const ME = "11111111-1111-4111-8111-111111111111";
const bob = { username: "bob", nickname: "Bobby" };
const keysOf = (frame: object) => JSON.stringify(frame);

describe("duel frames", () => {
  it("game_accepted is flat: game_id, username, nickname, avatar, elo of the other player, no data", () => {
    const event: Event = {
      __typename: "InvitationAcceptedEvent",
      gameId: "g1",
      opponent: { ...bob, avatar: "/img/default_avatar.png", elo: 1000 },
    };
    expect(keysOf(duelFrames(event, ME))).toBe(
      '[{"action":"game_accepted","game_id":"g1","username":"bob","nickname":"Bobby","avatar":"/img/default_avatar.png","elo":1000}]',
    );
  });

  it("game_declined reaches the inviter; the decliner's sockets get nothing from the feed", () => {
    const declinedBy = (id: string): Event => ({ __typename: "InvitationDeclinedEvent", decliner: { id, ...bob } });
    expect(keysOf(duelFrames(declinedBy("someone-else"), ME))).toBe(
      '[{"action":"game_declined","data":{"username":"bob","nickname":"Bobby"}}]',
    );
    expect(duelFrames(declinedBy(ME), ME)).toEqual([]);
  });

  it("a cancellation (or a lapse) names the inviter, without message or client_id", () => {
    const cancelled = duelFrames({ __typename: "InvitationCancelledEvent", inviter: bob }, ME);
    const expired = duelFrames({ __typename: "InvitationExpiredEvent", invitation: { inviter: bob } }, ME);
    const golden = '[{"action":"game_invite_canceled","data":{"username":"bob","nickname":"Bobby"}}]';
    expect(keysOf(cancelled)).toBe(golden);
    expect(keysOf(expired)).toBe(golden);
  });

  const rejected = (
    action: "INVITE" | "ACCEPT" | "DECLINE" | "CANCEL",
    reason: "SELF_INVITE" | "SELF_ACCEPT" | "ENGAGED" | "INVITATION_NOT_FOUND" | "NO_PENDING_INVITATIONS",
    message: string,
    clientId: string | null,
  ): Event => ({ __typename: "InvitationRejectedEvent", action, reason, message, clientId });

  it("refusals carry the legacy message and the client_id, when there is one", () => {
    expect(
      keysOf(duelFrames(rejected("INVITE", "SELF_INVITE", "You can't invite yourself to a game !", "c1"), ME)),
    ).toBe(
      '[{"action":"game_invite_canceled","data":{"message":"You can\'t invite yourself to a game !","client_id":"c1"}}]',
    );
    expect(keysOf(duelFrames(rejected("ACCEPT", "INVITATION_NOT_FOUND", "Invitation not found.", null), ME))).toBe(
      '[{"action":"game_invite_canceled","data":{"message":"Invitation not found."}}]',
    );
    expect(duelFrames(rejected("ACCEPT", "ENGAGED", "You are in an ongoing game.", "c2"), ME)).toEqual([
      { action: "game_invite_canceled", data: { message: "You are in an ongoing game.", client_id: "c2" } },
    ]);
    const blocked: Event = {
      __typename: "InvitationRejectedEvent",
      action: "INVITE",
      reason: "BLOCKED",
      message: "One of you has blocked the other.",
      clientId: "c3",
    };
    expect(duelFrames(blocked, ME)).toEqual([
      { action: "game_invite_canceled", data: { message: "One of you has blocked the other.", client_id: "c3" } },
    ]);
  });

  it("'No pending invitations found.' never echoes a client_id", () => {
    expect(
      duelFrames(rejected("DECLINE", "NO_PENDING_INVITATIONS", "No pending invitations found.", "c1"), ME),
    ).toEqual([{ action: "game_invite_canceled", data: { message: "No pending invitations found." } }]);
  });

  it("refusals legacy keeps silent stay silent: unknown users, every cancel refusal, bad input", () => {
    const silent: Event[] = [
      {
        __typename: "InvitationRejectedEvent",
        action: "INVITE",
        reason: "USER_NOT_FOUND",
        message: "m",
        clientId: "c",
      },
      {
        __typename: "InvitationRejectedEvent",
        action: "DECLINE",
        reason: "USER_NOT_FOUND",
        message: "m",
        clientId: null,
      },
      rejected("CANCEL", "NO_PENDING_INVITATIONS", "No pending invitations found.", null),
      { __typename: "InvitationRejectedEvent", action: "INVITE", reason: "INVALID_INPUT", message: "m", clientId: "c" },
      { __typename: "InvitationReceivedEvent" },
      { __typename: "StreamReadyEvent" },
      { __typename: "GameEndedEvent" },
    ];
    for (const event of silent) expect(duelFrames(event, ME), JSON.stringify(event)).toEqual([]);
  });
});
