import { describe, expect, it } from "vitest";
import {
  CancelInvitationDocument,
  DuelStateDocument,
  InvitationEventsDocument,
  InviteToDuelDocument,
  ReplyToInvitationDocument,
} from "../graphql/generated/graphql.ts";
import { settle, testClient } from "../notifications/test-client.ts";
import { duelsCache } from "./duels.cache.ts";

const user = (id: string, username: string) => ({ __typename: "User", id, username, nickname: username, avatar: "" });
const me = user("u1", "alice");
const bob = user("u2", "bob");
const carol = user("u3", "carol");
const settings = {
  __typename: "GameSettings",
  speed: "MEDIUM",
  scoreToWin: 5,
  timeLimitMinutes: 3,
  ranked: false,
  coolMode: false,
};
const game = (id: string, status = "ONGOING") => ({
  __typename: "Game",
  id,
  status,
  createdAt: "2026-12-01T10:00:00.000Z",
  endedAt: null,
  players: [bob, me],
  settings,
});
const invitation = (
  id: string,
  from: typeof me,
  to: typeof me,
  status = "PENDING",
  withGame: string | null = null,
) => ({
  __typename: "DuelInvitation",
  id,
  status,
  clientId: null,
  createdAt: "2026-12-01T10:00:00.000Z",
  expiresAt: "2026-12-01T10:05:00.000Z",
  inviter: from,
  invitee: to,
  settings,
  game: withGame ? game(withGame) : null,
});

/** At first: bob's invitation i1 to me is pending; nothing else. */
function setup() {
  const t = testClient([duelsCache], (operation) => {
    const name = operation.query.definitions.find((d) => d.kind === "OperationDefinition")?.name?.value;
    if (name === "DuelState") {
      return {
        me: {
          __typename: "Me",
          ...{ id: me.id, username: me.username },
          outgoingInvitation: null,
          incomingInvitations: [invitation("i1", bob, me)],
          currentGame: null,
        },
      };
    }
    if (name === "InviteToDuel") {
      return { inviteToDuel: { ...invitation("i5", me, carol), declinedInvitations: [] } };
    }
    if (name === "CancelInvitation") return { cancelInvitation: invitation("i5", me, carol, "CANCELLED") };
    if (name === "ReplyToInvitation") {
      return { replyToInvitation: invitation("i1", bob, me, "ACCEPTED", "g1") };
    }
    return undefined;
  });
  let state: unknown;
  t.client.query(DuelStateDocument, {}).subscribe((result) => {
    const m = result.data?.me;
    state = m && {
      outgoing: m.outgoingInvitation?.id ?? null,
      incoming: m.incomingInvitations.map((one) => `${one.id}:${one.status}`),
      game: m.currentGame ? `${m.currentGame.id}:${m.currentGame.status}` : null,
    };
  });
  t.client.subscription(InvitationEventsDocument, {}).subscribe(() => {});
  return { ...t, snapshot: () => JSON.parse(JSON.stringify(state)) };
}

const at = "2026-12-01T10:01:00.000Z";
const event = (__typename: string, fields: Record<string, unknown>) => ({
  invitationEvents: { __typename, at, ...fields },
});

/** Applies `data` twice: returns the state after the first, and checks the second changed nothing. */
async function twice(t: ReturnType<typeof setup>, data: Record<string, unknown>) {
  t.emit(data);
  await settle();
  const once = t.snapshot();
  t.emit(data);
  await settle();
  expect(t.snapshot()).toEqual(once);
  return once;
}

describe("duels cache", () => {
  it("InvitationReceivedEvent: first among my incoming invitations, once", async () => {
    const t = setup();
    await settle();
    expect(t.snapshot()).toEqual({ outgoing: null, incoming: ["i1:PENDING"], game: null });
    const once = await twice(t, event("InvitationReceivedEvent", { invitation: invitation("i2", carol, me) }));
    expect(once).toEqual({ outgoing: null, incoming: ["i2:PENDING", "i1:PENDING"], game: null });
  });

  it("InvitationAcceptedEvent: no longer incoming; the game is my current game", async () => {
    const t = setup();
    await settle();
    const accepted = invitation("i1", bob, me, "ACCEPTED", "g1");
    const once = await twice(
      t,
      event("InvitationAcceptedEvent", { gameId: "g1", invitation: accepted, game: game("g1"), opponent: bob }),
    );
    expect(once).toEqual({ outgoing: null, incoming: [], game: "g1:ONGOING" });
  });

  for (const [type, status, extra] of [
    ["InvitationDeclinedEvent", "DECLINED", { decliner: me }],
    ["InvitationCancelledEvent", "CANCELLED", { inviter: bob }],
    ["InvitationExpiredEvent", "EXPIRED", {}],
  ] as const) {
    it(`${type}: the invitation is no longer pending`, async () => {
      const t = setup();
      await settle();
      const once = await twice(t, event(type, { invitation: invitation("i1", bob, me, status), ...extra }));
      expect(once).toEqual({ outgoing: null, incoming: [], game: null });
    });
  }

  it("InvitationRejectedEvent and StreamReadyEvent change nothing in the cache", async () => {
    const t = setup();
    await settle();
    const before = t.snapshot();
    const rejected = event("InvitationRejectedEvent", {
      action: "INVITE",
      clientId: "tab",
      message: "You are in an ongoing game.",
      reason: "ENGAGED",
      username: "bob",
    });
    expect(await twice(t, rejected)).toEqual(before);
    expect(await twice(t, event("StreamReadyEvent", {}))).toEqual(before);
  });

  it("inviteToDuel's result is my outgoing invitation; its cancellation (result and event) ends it once", async () => {
    const t = setup();
    await settle();
    await t.client.mutation(InviteToDuelDocument, { username: "carol" }).toPromise();
    await settle();
    expect(t.snapshot()).toEqual({ outgoing: "i5", incoming: ["i1:PENDING"], game: null });
    await t.client.mutation(CancelInvitationDocument, { username: "carol" }).toPromise();
    await settle();
    const once = await twice(
      t,
      event("InvitationCancelledEvent", { invitation: invitation("i5", me, carol, "CANCELLED"), inviter: me }),
    );
    expect(once).toEqual({ outgoing: null, incoming: ["i1:PENDING"], game: null });
  });

  it("an accepting reply and its event count as one change; GameEndedEvent ends the current game once", async () => {
    const t = setup();
    await settle();
    await t.client.mutation(ReplyToInvitationDocument, { username: "bob", accept: true }).toPromise();
    await settle();
    expect(t.snapshot()).toEqual({ outgoing: null, incoming: [], game: "g1:ONGOING" });
    const accepted = invitation("i1", bob, me, "ACCEPTED", "g1");
    await twice(
      t,
      event("InvitationAcceptedEvent", { gameId: "g1", invitation: accepted, game: game("g1"), opponent: bob }),
    );
    const once = await twice(t, event("GameEndedEvent", { game: game("g1", "FINISHED") }));
    expect(once).toEqual({ outgoing: null, incoming: [], game: null });
  });
});
