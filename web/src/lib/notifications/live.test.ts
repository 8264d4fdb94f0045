import { Client, fetchExchange } from "@urql/core";
import { describe, expect, it } from "vitest";
import { handleInvitationEvent } from "../duels/duels.live.ts";
import type { DuelInvitationFieldsFragment } from "../graphql/generated/graphql.ts";
import { handleNotificationEvent } from "./notifications.live.ts";
import { onceEach } from "./once.ts";

const client = new Client({ url: "http://unused.test/graphql", exchanges: [fetchExchange] });
const user = (username: string) => ({ id: username, username, nickname: username, avatar: "" });
const settings = { speed: "MEDIUM", scoreToWin: 5, timeLimitMinutes: 3, ranked: false, coolMode: false } as const;
const invitation = (status: DuelInvitationFieldsFragment["status"]): DuelInvitationFieldsFragment => ({
  id: "i1",
  status,
  clientId: null,
  createdAt: "2026-12-01T10:00:00.000Z",
  expiresAt: null,
  inviter: user("alice"),
  invitee: user("bob"),
  settings,
  game: null,
});

describe("toasts from the live feeds", () => {
  it("a new friend and a new tournament toast once per notification, even when the event comes again", () => {
    const shown: string[] = [];
    const show = (text: string) => shown.push(text);
    const firstTime = onceEach();
    const friend = {
      __typename: "NotificationCreatedEvent" as const,
      at: "2026-12-01T10:00:00.000Z",
      notification: {
        id: "n1",
        kind: "NEW_FRIEND" as const,
        isRead: false,
        createdAt: "2026-12-01T10:00:00.000Z",
        data: { username: "alice", nickname: "Alice" },
        invitationId: null,
        tournamentId: null,
        actor: null,
      },
    };
    const cup = {
      ...friend,
      notification: {
        ...friend.notification,
        id: "n2",
        kind: "NEW_TOURNAMENT" as const,
        data: { nickname: "Alice", tournamentName: "Cup", status: "OPEN" },
      },
    };
    for (const event of [friend, friend, cup, cup]) handleNotificationEvent(client, event, firstTime, show);
    expect(shown).toEqual(["Alice added you as a friend", "Alice created the tournament “Cup”"]);
  });

  it("an invitation and each answer toast once, to the side that did not act", () => {
    const bobs: string[] = [];
    const alices: string[] = [];
    const bobFirst = onceEach();
    const aliceFirst = onceEach();
    const at = "2026-12-01T10:00:00.000Z";
    const events = [
      { __typename: "InvitationReceivedEvent" as const, at, invitation: invitation("PENDING") },
      { __typename: "InvitationDeclinedEvent" as const, at, invitation: invitation("DECLINED"), decliner: user("bob") },
      {
        __typename: "InvitationCancelledEvent" as const,
        at,
        invitation: invitation("CANCELLED"),
        inviter: user("alice"),
      },
      { __typename: "InvitationExpiredEvent" as const, at, invitation: invitation("EXPIRED") },
    ];
    for (const event of [...events, ...events]) {
      handleInvitationEvent(client, event, "bob", bobFirst, (text) => bobs.push(text));
      handleInvitationEvent(client, event, "alice", aliceFirst, (text) => alices.push(text));
    }
    expect(bobs).toEqual([
      "alice invited you to a duel",
      "alice cancelled their duel invitation",
      "The duel invitation from alice expired",
    ]);
    expect(alices).toEqual(["bob declined your duel", "The duel invitation to bob expired"]);
  });
});
