// Duel invitations and games over real HTTP and graphql-ws, in both modes (PGlite / PostgreSQL + Redis): every
// transition and every refusal, who hears about it (all tabs of the right users, nobody else), and the races.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Config } from "../src/config.ts";
import {
  codeOf,
  createTestDatabase,
  EventQueue,
  GENEROUS_RATE_LIMITS,
  type GqlResult,
  gql,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

/**
 * A server on its own database, dropped only once its last pooled connection has gone: pg-pool's end() resolves
 * before its sockets close, and DROP DATABASE … WITH (FORCE) would then kill them mid-close (an uncaught 57P01).
 * The 50 parallel accepts below open the whole pool, which makes that race likely.
 */
async function startOwnServer(config: Partial<Config> = {}) {
  const database = await createTestDatabase();
  const started = await startServer({ database, config });
  const stop = async () => {
    await started.stop();
    if (database.url) {
      const name = new URL(database.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const closed = async () => {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [
          name,
        ]);
        if (rows[0].n !== 0) throw new Error(`${rows[0].n} connections to ${name} are still open`);
      };
      await vi.waitFor(closed, { timeout: 10_000, interval: 20 }).finally(() => admin.end());
    }
    await database.drop();
  };
  return { ...started, stop };
}

let server: TestServer;

beforeAll(async () => {
  server = await startOwnServer();
});

afterAll(async () => {
  await server?.stop();
});

const DEFAULT_AVATAR = "/img/default_avatar.png";
const MISSING_ID = "00000000-0000-4000-8000-000000000000";
const DEFAULT_SETTINGS = { speed: "MEDIUM", scoreToWin: 5, timeLimitMinutes: 3, ranked: false, coolMode: false };

const INVITATION = `id status clientId createdAt expiresAt
  inviter { username nickname avatar elo } invitee { username nickname avatar }
  settings { speed scoreToWin timeLimitMinutes ranked coolMode } game { id status }`;
const INVITE = `mutation($u: String!, $s: GameSettingsInput, $c: String) {
  inviteToDuel(username: $u, settings: $s, clientId: $c) { ${INVITATION} }
}`;
const REPLY = `mutation($u: String!, $a: Boolean!, $c: String) {
  replyToInvitation(username: $u, accept: $a, clientId: $c) { ${INVITATION} }
}`;
const CANCEL = `mutation($u: String!) { cancelInvitation(username: $u) { ${INVITATION} } }`;
const END_GAME = `mutation($g: ID!) { endGame(gameId: $g) { id status endedAt players { username } } }`;
const ME = `{
  me {
    isEngaged
    currentGame { id status players { username } opponent { username } settings { speed scoreToWin } }
    outgoingInvitation { id status }
    incomingInvitations { id inviter { username } }
  }
}`;
const EVENTS = `subscription {
  invitationEvents {
    __typename
    ... on InvitationReceivedEvent { invitation { ${INVITATION} } }
    ... on InvitationAcceptedEvent {
      gameId game { id status players { username } } invitation { id status } opponent { username nickname avatar elo }
    }
    ... on InvitationDeclinedEvent { invitation { id status } decliner { username nickname } }
    ... on InvitationCancelledEvent { invitation { id status } inviter { username nickname } }
    ... on InvitationExpiredEvent { invitation { id status } }
    ... on InvitationRejectedEvent { action reason message username clientId }
    ... on GameEndedEvent { game { id status endedAt } endedBy { username } }
  }
}`;
const NOTIFICATION_EVENTS = `subscription {
  notificationEvents {
    __typename
    ... on NotificationCreatedEvent { notification { kind invitationId isRead data } }
    ... on NotificationUpdatedEvent { notification { kind invitationId isRead data } }
  }
}`;

type Users<N extends number, A extends TestUser[] = []> = A["length"] extends N ? A : Users<N, [...A, TestUser]>;

async function users<N extends number>(count: N, srv = server): Promise<Users<N>> {
  return (await Promise.all(Array.from({ length: count }, () => signUp(srv)))) as Users<N>;
}

interface Socket {
  next(): Promise<any>;
  close(): void;
}

/** A live subscription of `user`: resolves once its StreamReadyEvent arrived, so nothing published later is missed. */
async function listen(user: TestUser, srv = server, query = EVENTS): Promise<Socket> {
  const field = query === EVENTS ? "invitationEvents" : "notificationEvents";
  const client = wsClient(srv, user);
  const queue = new EventQueue(client, query);
  expect((await queue.next())[field]?.__typename).toBe("StreamReadyEvent");
  return { next: async () => (await queue.next())[field], close: () => void client.dispose() };
}

/** Runs a mutation or query and insists it worked. */
async function ok(
  user: TestUser,
  query: string,
  variables: Record<string, unknown> = {},
  srv = server,
): Promise<Record<string, any>> {
  const result = await gql(srv, query, variables, user);
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, any>;
}

const invite = (from: TestUser, to: string, extra: { s?: object; c?: string } = {}, srv = server) =>
  gql(srv, INVITE, { u: to, ...extra }, from);
const reply = (from: TestUser, inviter: string, accept: boolean, clientId?: string, srv = server) =>
  gql(srv, REPLY, { u: inviter, a: accept, c: clientId }, from);
const cancel = (from: TestUser, invitee: string, srv = server) => gql(srv, CANCEL, { u: invitee }, from);
const me = async (user: TestUser, srv = server) => (await ok(user, ME, {}, srv)).me;

let sentinels = 0;
/**
 * Pushes an event that only `user` receives (a refused cancel naming a unique username) and checks that it is the
 * next event on each of their sockets: nothing else reached them before it.
 */
async function expectNothingElse(user: TestUser, sockets: Socket[], srv = server) {
  const marker = `sentinel_${++sentinels}`;
  expect(codeOf(await cancel(user, marker, srv))).toBe("NOT_FOUND");
  for (const socket of sockets) {
    expect(await socket.next()).toMatchObject({ __typename: "InvitationRejectedEvent", username: marker });
  }
}

/** Every stored invitation, game and notification that concerns these users. */
async function stored(people: TestUser[], srv = server) {
  const ids = people.map((user) => user.id);
  const prisma = srv.app.prisma;
  const invitations = await prisma.duelInvitation.findMany({
    where: { OR: [{ inviterId: { in: ids } }, { inviteeId: { in: ids } }] },
    orderBy: { createdAt: "asc" },
  });
  const games = await prisma.game.findMany({
    where: { OR: [{ playerAId: { in: ids } }, { playerBId: { in: ids } }] },
    orderBy: { createdAt: "asc" },
  });
  const notifications = await prisma.notification.findMany({
    where: { receiverId: { in: ids } },
    orderBy: [{ createdAt: "asc" }, { receiverId: "asc" }],
  });
  return { invitations, games, notifications };
}

/** Both GAME_INVITE copies of an invitation (invitee's and inviter's), as stored. */
async function inviteNotifications(invitationId: string, srv = server) {
  return srv.app.prisma.notification.findMany({ where: { invitationId }, orderBy: { receiverId: "asc" } });
}

function profile(user: TestUser) {
  return { username: user.username, nickname: user.username, avatar: DEFAULT_AVATAR };
}

describe("inviteToDuel", () => {
  it("reaches every socket of the invitee with the inviter, settings and clientId; the inviter and strangers get nothing", async () => {
    const [a, b, stranger] = await users(3);
    const [a1, a2, b1, b2, s1] = await Promise.all([listen(a), listen(a), listen(b), listen(b), listen(stranger)]);
    const bNotifications = await listen(b, server, NOTIFICATION_EVENTS);

    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username, s: { speed: "FAST" }, c: "tab-a1" });
    expect(invitation).toMatchObject({
      status: "PENDING",
      clientId: "tab-a1",
      inviter: { ...profile(a), elo: 1000 },
      invitee: profile(b),
      settings: { ...DEFAULT_SETTINGS, speed: "FAST" },
      game: null,
    });
    const ttl = Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt);
    expect(ttl).toBe(5 * 60 * 1000);

    for (const socket of [b1, b2]) {
      expect(await socket.next()).toEqual({ __typename: "InvitationReceivedEvent", invitation });
    }
    // the invitee's notification (protocol §6.1), pushed; the inviter's own copy is stored, not pushed
    const gameInvite = {
      ...profile(a),
      gameId: invitation.id,
      clientId: "tab-a1",
      settings: { ...DEFAULT_SETTINGS, speed: "FAST" },
      status: "PENDING",
      invitee: profile(b),
    };
    expect(await bNotifications.next()).toEqual({
      __typename: "NotificationCreatedEvent",
      notification: { kind: "GAME_INVITE", invitationId: invitation.id, isRead: false, data: gameInvite },
    });
    const notes = await inviteNotifications(invitation.id);
    expect(notes.map((note) => note.receiverId).sort()).toEqual([a.id, b.id].sort());
    for (const note of notes) {
      expect(note).toMatchObject({ kind: "GAME_INVITE", actorId: a.id, isRead: false, data: gameInvite });
    }

    expect(await me(a)).toMatchObject({
      isEngaged: true,
      outgoingInvitation: { id: invitation.id, status: "PENDING" },
      incomingInvitations: [],
    });
    expect(await me(b)).toMatchObject({
      isEngaged: false,
      outgoingInvitation: null,
      incomingInvitations: [{ id: invitation.id, inviter: { username: a.username } }],
    });

    await expectNothingElse(a, [a1, a2]);
    await expectNothingElse(b, [b1, b2]);
    await expectNothingElse(stranger, [s1]);
    for (const socket of [a1, a2, b1, b2, s1, bNotifications]) socket.close();
  });

  it("inviting someone who invited you declines theirs first: both are told, then the invitee gets the new one", async () => {
    const [a, b] = await users(2);
    const [a1, b1] = await Promise.all([listen(a), listen(b)]);
    const { inviteToDuel: theirs } = await ok(b, INVITE, { u: a.username });
    expect((await a1.next()).__typename).toBe("InvitationReceivedEvent");

    const { inviteToDuel: mine } = await ok(a, INVITE, { u: b.username, c: "a-tab" });
    expect(mine.status).toBe("PENDING");
    const declined = {
      __typename: "InvitationDeclinedEvent",
      invitation: { id: theirs.id, status: "DECLINED" },
      decliner: { username: a.username, nickname: a.username },
    };
    expect(await a1.next()).toEqual(declined);
    expect(await b1.next()).toEqual(declined);
    expect(await b1.next()).toEqual({ __typename: "InvitationReceivedEvent", invitation: mine });

    const { invitations } = await stored([a, b]);
    expect(invitations.map((row) => [row.id, row.status])).toEqual([
      [theirs.id, "DECLINED"],
      [mine.id, "PENDING"],
    ]);
    for (const note of await inviteNotifications(theirs.id)) {
      expect(note).toMatchObject({ isRead: true, data: { status: "DECLINED" } });
    }
    expect((await me(b)).isEngaged).toBe(false);
    await expectNothingElse(a, [a1]);
    await expectNothingElse(b, [b1]);
    a1.close();
    b1.close();
  });

  it("of concurrent invites by one user exactly one succeeds; the others are CONFLICT", async () => {
    const [a, ...invitees] = await users(5);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => invite(a, (invitees[i % invitees.length] as TestUser).username)),
    );
    const succeeded = results.filter((result) => !result.errors);
    expect(succeeded).toHaveLength(1);
    for (const result of results.filter((r) => r.errors)) {
      expect(result.errors?.[0]).toMatchObject({
        message: "You are in an ongoing game.",
        extensions: { code: "CONFLICT" },
      });
    }
    const { invitations, notifications } = await stored([a]);
    expect(invitations.map((row) => [row.id, row.status])).toEqual([[succeeded[0]?.data?.inviteToDuel.id, "PENDING"]]);
    expect(notifications.filter((note) => note.kind === "GAME_INVITE")).toHaveLength(1); // a's own copy
  });
});

describe("refusals", () => {
  it("every reason: the GraphQL error, nothing stored changes, and only the caller's sockets are told", async () => {
    const [a, b, c, d] = await users(4);
    const [a1, a2, b1, c1, d1] = await Promise.all([listen(a), listen(a), listen(b), listen(c), listen(d)]);
    const everyone = [a, b, c, d];

    async function refused(
      sockets: Socket[],
      run: () => Promise<GqlResult>,
      expected: {
        code: string;
        reason: string;
        action: string;
        message: string | RegExp;
        username: string;
        clientId?: string | null;
        field?: string;
      },
    ) {
      const before = await stored(everyone);
      const result = await run();
      expect(result.data).toBeNull();
      const message = typeof expected.message === "string" ? expected.message : expect.stringMatching(expected.message);
      expect(result.errors?.[0]).toMatchObject({
        message,
        extensions: {
          code: expected.code,
          reason: expected.reason,
          ...(expected.field ? { field: expected.field } : {}),
        },
      });
      expect(await stored(everyone)).toEqual(before);
      for (const socket of sockets) {
        expect(await socket.next()).toEqual({
          __typename: "InvitationRejectedEvent",
          action: expected.action,
          reason: expected.reason,
          message: result.errors?.[0]?.message,
          username: expected.username,
          clientId: expected.clientId ?? null,
        });
      }
    }
    const byA = (run: () => Promise<GqlResult>, expected: Parameters<typeof refused>[2]) =>
      refused([a1, a2], run, expected);

    await byA(() => invite(a, a.username, { c: "tab-1" }), {
      code: "BAD_USER_INPUT",
      reason: "SELF_INVITE",
      action: "INVITE",
      message: "You can't invite yourself to a game !",
      username: a.username,
      clientId: "tab-1",
    });
    await byA(() => invite(a, "nobody_at_all", { c: "tab-1" }), {
      code: "NOT_FOUND",
      reason: "USER_NOT_FOUND",
      action: "INVITE",
      message: "User nobody_at_all not found.",
      username: "nobody_at_all",
      clientId: "tab-1",
    });
    await byA(() => invite(a, b.username, { s: { scoreToWin: 2 }, c: "tab-1" }), {
      code: "BAD_USER_INPUT",
      reason: "INVALID_INPUT",
      action: "INVITE",
      message: /settings\.scoreToWin/,
      field: "settings.scoreToWin",
      username: b.username,
      clientId: "tab-1",
    });
    await byA(() => invite(a, b.username, { s: { timeLimitMinutes: 6 } }), {
      code: "BAD_USER_INPUT",
      reason: "INVALID_INPUT",
      action: "INVITE",
      message: /settings\.timeLimitMinutes/,
      field: "settings.timeLimitMinutes",
      username: b.username,
    });
    await byA(() => invite(a, b.username, { c: "x".repeat(129) }), {
      code: "BAD_USER_INPUT",
      reason: "INVALID_INPUT",
      action: "INVITE",
      message: /clientId/,
      field: "clientId",
      username: b.username,
      clientId: null, // an invalid clientId is not echoed
    });
    await byA(() => reply(a, a.username, true, "tab-2"), {
      code: "BAD_USER_INPUT",
      reason: "SELF_ACCEPT",
      action: "ACCEPT",
      message: "You can't accept invitations from yourself to a game !",
      username: a.username,
      clientId: "tab-2",
    });
    await byA(() => reply(a, b.username, true, "tab-2"), {
      code: "NOT_FOUND",
      reason: "INVITATION_NOT_FOUND",
      action: "ACCEPT",
      message: "Invitation not found.",
      username: b.username,
      clientId: "tab-2",
    });
    await byA(() => reply(a, "nobody_at_all", true), {
      code: "NOT_FOUND",
      reason: "INVITATION_NOT_FOUND",
      action: "ACCEPT",
      message: "Invitation not found.",
      username: "nobody_at_all",
    });
    await byA(() => reply(a, b.username, false, "tab-2"), {
      code: "NOT_FOUND",
      reason: "NO_PENDING_INVITATIONS",
      action: "DECLINE",
      message: "No pending invitations found.",
      username: b.username,
      clientId: "tab-2",
    });
    await byA(() => cancel(a, b.username), {
      code: "NOT_FOUND",
      reason: "NO_PENDING_INVITATIONS",
      action: "CANCEL",
      message: "No pending invitations found.",
      username: b.username,
    });

    // blocked, either way
    await ok(c, `mutation($u: String!) { blockUser(username: $u) { username } }`, { u: a.username });
    await byA(() => invite(a, c.username), {
      code: "FORBIDDEN",
      reason: "BLOCKED",
      action: "INVITE",
      message: "One of you has blocked the other.",
      username: c.username,
    });
    await refused([c1], () => invite(c, a.username, { c: "c-tab" }), {
      code: "FORBIDDEN",
      reason: "BLOCKED",
      action: "INVITE",
      message: "One of you has blocked the other.",
      username: a.username,
      clientId: "c-tab",
    });

    // engaged: an own pending invitation forbids a second one, and accepting another
    const { inviteToDuel: pending } = await ok(a, INVITE, { u: b.username });
    expect((await b1.next()).invitation.id).toBe(pending.id);
    await byA(() => invite(a, d.username, { c: "tab-3" }), {
      code: "CONFLICT",
      reason: "ENGAGED",
      action: "INVITE",
      message: "You are in an ongoing game.",
      username: d.username,
      clientId: "tab-3",
    });
    await byA(() => invite(a, b.username), {
      code: "CONFLICT",
      reason: "ENGAGED",
      action: "INVITE",
      message: "You are in an ongoing game.",
      username: b.username,
    });
    const { inviteToDuel: fromD } = await ok(d, INVITE, { u: a.username });
    for (const socket of [a1, a2]) expect((await socket.next()).invitation.id).toBe(fromD.id);
    await byA(() => reply(a, d.username, true, "tab-4"), {
      code: "CONFLICT",
      reason: "ENGAGED",
      action: "ACCEPT",
      message: "You are in an ongoing game.",
      username: d.username,
      clientId: "tab-4",
    });

    // nobody else heard of any of it
    await expectNothingElse(b, [b1]);
    await expectNothingElse(c, [c1]);
    await expectNothingElse(d, [d1]);
    await expectNothingElse(a, [a1, a2]);
    for (const socket of [a1, a2, b1, c1, d1]) socket.close();
  });

  it("an unauthenticated caller is refused and nobody is told", async () => {
    const [a] = await users(1);
    const a1 = await listen(a);
    expect(codeOf(await gql(server, INVITE, { u: a.username }))).toBe("UNAUTHENTICATED");
    await expectNothingElse(a, [a1]);
    a1.close();
  });
});

describe("replyToInvitation", () => {
  it("accept starts the game with the invitation's settings; every socket of both hears it, with the other as opponent", async () => {
    const [a, b, stranger] = await users(3);
    const [a1, a2, b1, b2, s1] = await Promise.all([listen(a), listen(a), listen(b), listen(b), listen(stranger)]);
    const [aNotifications, bNotifications] = await Promise.all([
      listen(a, server, NOTIFICATION_EVENTS),
      listen(b, server, NOTIFICATION_EVENTS),
    ]);
    const settings = { speed: "SLOW", scoreToWin: 11, timeLimitMinutes: 5, ranked: true, coolMode: true };
    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username, s: settings });
    for (const socket of [b1, b2]) expect((await socket.next()).__typename).toBe("InvitationReceivedEvent");
    expect((await bNotifications.next()).__typename).toBe("NotificationCreatedEvent");

    const { replyToInvitation: accepted } = await ok(b, REPLY, { u: a.username, a: true, c: "b-tab" });
    expect(accepted).toMatchObject({ id: invitation.id, status: "ACCEPTED", game: { status: "ONGOING" } });
    const gameId = accepted.game.id;
    const acceptedEvent = (opponent: TestUser) => ({
      __typename: "InvitationAcceptedEvent",
      gameId,
      game: { id: gameId, status: "ONGOING", players: [{ username: a.username }, { username: b.username }] },
      invitation: { id: invitation.id, status: "ACCEPTED" },
      opponent: { ...profile(opponent), elo: 1000 },
    });
    for (const socket of [a1, a2]) expect(await socket.next()).toEqual(acceptedEvent(b));
    for (const socket of [b1, b2]) expect(await socket.next()).toEqual(acceptedEvent(a));
    // both notification copies synced (status, read) and pushed to their receivers
    for (const socket of [aNotifications, bNotifications]) {
      expect(await socket.next()).toMatchObject({
        __typename: "NotificationUpdatedEvent",
        notification: { invitationId: invitation.id, isRead: true, data: { status: "ACCEPTED" } },
      });
    }

    for (const [user, opponent] of [
      [a, b],
      [b, a],
    ] as const) {
      expect(await me(user)).toEqual({
        isEngaged: true,
        currentGame: {
          id: gameId,
          status: "ONGOING",
          players: [{ username: a.username }, { username: b.username }],
          opponent: { username: opponent.username },
          settings: { speed: "SLOW", scoreToWin: 11 },
        },
        outgoingInvitation: null,
        incomingInvitations: [],
      });
    }
    const { invitations, games } = await stored([a, b]);
    expect(invitations).toMatchObject([{ id: invitation.id, status: "ACCEPTED", gameId }]);
    expect(games).toMatchObject([{ id: gameId, status: "ONGOING", playerAId: a.id, playerBId: b.id, settings }]);
    for (const note of await inviteNotifications(invitation.id)) {
      expect(note).toMatchObject({ isRead: true, data: { status: "ACCEPTED" } });
    }

    await expectNothingElse(a, [a1, a2]);
    await expectNothingElse(b, [b1, b2]);
    await expectNothingElse(stranger, [s1]);
    for (const socket of [a1, a2, b1, b2, s1, aNotifications, bNotifications]) socket.close();
  });

  it("decline: every socket of both hears who declined; the inviter is free again", async () => {
    const [a, b, stranger] = await users(3);
    const [a1, a2, b1, b2, s1] = await Promise.all([listen(a), listen(a), listen(b), listen(b), listen(stranger)]);
    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username });
    for (const socket of [b1, b2]) await socket.next();

    const { replyToInvitation: declined } = await ok(b, REPLY, { u: a.username, a: false });
    expect(declined).toMatchObject({ id: invitation.id, status: "DECLINED", game: null });
    for (const socket of [a1, a2, b1, b2]) {
      expect(await socket.next()).toEqual({
        __typename: "InvitationDeclinedEvent",
        invitation: { id: invitation.id, status: "DECLINED" },
        decliner: { username: b.username, nickname: b.username },
      });
    }
    expect(await me(a)).toMatchObject({ isEngaged: false, outgoingInvitation: null });
    expect(await me(b)).toMatchObject({ incomingInvitations: [] });
    for (const note of await inviteNotifications(invitation.id)) {
      expect(note).toMatchObject({ isRead: true, data: { status: "DECLINED" } });
    }
    expect(codeOf(await reply(b, a.username, false))).toBe("NOT_FOUND"); // nothing left to decline
    for (const socket of [b1, b2]) expect((await socket.next()).reason).toBe("NO_PENDING_INVITATIONS");

    await expectNothingElse(a, [a1, a2]);
    await expectNothingElse(stranger, [s1]);
    for (const socket of [a1, a2, b1, b2, s1]) socket.close();
  });

  it("50 parallel accepts of one invitation: exactly one game, one ACCEPTED, the rest refused", async () => {
    const [a, b] = await users(2);
    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reply(b, a.username, true, `tab-${i}`)));
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    for (const result of results.filter((r) => r.errors)) {
      // the first commit makes b engaged; a loser that got past that check finds the invitation gone
      expect(["CONFLICT", "NOT_FOUND"]).toContain(codeOf(result));
    }
    const gameId = winners[0]?.data?.replyToInvitation.game.id;
    expect(gameId).toEqual(expect.any(String));

    const { invitations, games } = await stored([a, b]);
    expect(invitations).toMatchObject([{ id: invitation.id, status: "ACCEPTED", gameId }]);
    expect(games.map((game) => [game.id, game.status])).toEqual([[gameId, "ONGOING"]]);
    for (const user of [a, b]) expect((await me(user)).currentGame.id).toBe(gameId);
  });

  it("concurrent accepts of invitations from 10 inviters: the invitee's row lock lets exactly one start a game", async () => {
    const [b, ...inviters] = await users(11);
    for (const inviter of inviters) await ok(inviter, INVITE, { u: b.username });
    // Different invitations: only the lock on b makes the later accepts see the first one's game (engaged).
    const results = await Promise.all(
      inviters.flatMap((a) => [reply(b, a.username, true), reply(b, a.username, true)]),
    );
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    for (const result of results.filter((r) => r.errors)) expect(["CONFLICT", "NOT_FOUND"]).toContain(codeOf(result));
    const { invitations, games } = await stored([b]);
    expect(invitations.filter((invitation) => invitation.status === "ACCEPTED")).toHaveLength(1);
    expect(games).toHaveLength(1);
    expect((await me(b)).currentGame.id).toBe(winners[0]?.data?.replyToInvitation.game.id);
  });

  it("an accept racing a cancel, 10 pairs at once: exactly one of them wins each race", async () => {
    const pairs = await Promise.all(Array.from({ length: 10 }, () => users(2)));
    const invitations = await Promise.all(
      pairs.map(async ([a, b]) => (await ok(a, INVITE, { u: b.username })).inviteToDuel),
    );
    // Cancel takes no user lock: only the accept's conditional update keeps it from overwriting CANCELLED.
    const races = await Promise.all(
      pairs.map(([a, b]) => Promise.all([reply(b, a.username, true), cancel(a, b.username)])),
    );
    for (const [i, [accepted, cancelled]] of races.entries()) {
      const [a, b] = pairs[i] as [TestUser, TestUser];
      expect([accepted.errors, cancelled.errors].filter(Boolean)).toHaveLength(1);
      const { invitations: rows, games } = await stored([a, b]);
      if (accepted.errors) {
        expect(codeOf(accepted)).toBe("NOT_FOUND");
        expect(rows).toMatchObject([{ id: invitations[i].id, status: "CANCELLED", gameId: null }]);
        expect(games).toEqual([]);
      } else {
        expect(codeOf(cancelled)).toBe("NOT_FOUND");
        expect(rows).toMatchObject([{ id: invitations[i].id, status: "ACCEPTED" }]);
        expect(games).toHaveLength(1);
      }
    }
  });
});

describe("cancelInvitation", () => {
  it("cancels my pending invitation: every socket of both hears it from the inviter", async () => {
    const [a, b, stranger] = await users(3);
    const [a1, a2, b1, b2, s1] = await Promise.all([listen(a), listen(a), listen(b), listen(b), listen(stranger)]);
    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username });
    for (const socket of [b1, b2]) await socket.next();

    const { cancelInvitation: cancelled } = await ok(a, CANCEL, { u: b.username });
    expect(cancelled).toMatchObject({ id: invitation.id, status: "CANCELLED" });
    for (const socket of [a1, a2, b1, b2]) {
      expect(await socket.next()).toEqual({
        __typename: "InvitationCancelledEvent",
        invitation: { id: invitation.id, status: "CANCELLED" },
        inviter: { username: a.username, nickname: a.username },
      });
    }
    for (const note of await inviteNotifications(invitation.id)) {
      expect(note).toMatchObject({ isRead: true, data: { status: "CANCELLED" } });
    }
    expect(await me(a)).toMatchObject({ isEngaged: false, outgoingInvitation: null });
    // the invitee cannot act on it any more
    expect(codeOf(await reply(b, a.username, true))).toBe("NOT_FOUND");
    for (const socket of [b1, b2]) expect((await socket.next()).reason).toBe("INVITATION_NOT_FOUND");

    await expectNothingElse(a, [a1, a2]);
    await expectNothingElse(stranger, [s1]);
    for (const socket of [a1, a2, b1, b2, s1]) socket.close();
  });
});

describe("games", () => {
  it("a game engages both players until endGame; only a player may end it, once", async () => {
    const [a, b, c, stranger] = await users(4);
    const [a1, b1, s1] = await Promise.all([listen(a), listen(b), listen(stranger)]);
    await ok(a, INVITE, { u: b.username });
    await b1.next();
    const { replyToInvitation: accepted } = await ok(b, REPLY, { u: a.username, a: true });
    const gameId = accepted.game.id;
    await a1.next();
    await b1.next();

    // in a game: no inviting, no accepting (invites to a busy player are still allowed, as in legacy)
    expect(codeOf(await invite(a, c.username))).toBe("CONFLICT");
    await a1.next();
    const { inviteToDuel: fromC } = await ok(c, INVITE, { u: b.username });
    await b1.next();
    expect(codeOf(await reply(b, c.username, true))).toBe("CONFLICT");
    expect((await b1.next()).reason).toBe("ENGAGED");

    const before = await stored([a, b, c]);
    expect(codeOf(await gql(server, END_GAME, { g: gameId }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, END_GAME, { g: MISSING_ID }, a))).toBe("NOT_FOUND");
    expect(codeOf(await gql(server, END_GAME, { g: "not-a-uuid" }, a))).toBe("NOT_FOUND");
    expect(await stored([a, b, c])).toEqual(before);

    const { endGame: ended } = await ok(b, END_GAME, { g: gameId });
    expect(ended).toMatchObject({ id: gameId, status: "FINISHED", endedAt: expect.any(String) });
    for (const socket of [a1, b1]) {
      expect(await socket.next()).toEqual({
        __typename: "GameEndedEvent",
        game: { id: gameId, status: "FINISHED", endedAt: ended.endedAt },
        endedBy: { username: b.username },
      });
    }
    const again = await gql(server, END_GAME, { g: gameId }, a);
    expect(again.errors?.[0]).toMatchObject({
      message: "The game has already ended.",
      extensions: { code: "CONFLICT" },
    });
    expect((await stored([a, b])).games).toMatchObject([{ id: gameId, status: "FINISHED", endedAt: expect.any(Date) }]);

    // engagement is over: both may play again
    for (const user of [a, b]) expect(await me(user)).toMatchObject({ isEngaged: false, currentGame: null });
    const { replyToInvitation: next } = await ok(b, REPLY, { u: c.username, a: true });
    expect(next).toMatchObject({ id: fromC.id, status: "ACCEPTED", game: { status: "ONGOING" } });
    expect((await b1.next()).__typename).toBe("InvitationAcceptedEvent");

    await expectNothingElse(a, [a1]);
    await expectNothingElse(stranger, [s1]);
    for (const socket of [a1, b1, s1]) socket.close();
  });

  it("finishGame for internal callers ends a live game once and tells both players", async () => {
    const [a, b] = await users(2);
    const [a1, b1] = await Promise.all([listen(a), listen(b)]);
    await ok(a, INVITE, { u: b.username });
    const { replyToInvitation: accepted } = await ok(b, REPLY, { u: a.username, a: true });
    await b1.next();
    await a1.next();
    await b1.next();
    const games = server.app.services.games;
    const ended = await games.finishGame(accepted.game.id);
    expect(ended).toMatchObject({ status: "FINISHED" });
    for (const socket of [a1, b1]) {
      expect(await socket.next()).toMatchObject({ __typename: "GameEndedEvent", endedBy: null });
    }
    await expect(games.finishGame(accepted.game.id)).rejects.toMatchObject({ extensions: { code: "CONFLICT" } });
    a1.close();
    b1.close();
  });
});

describe("expiry and rate limit", () => {
  let short: TestServer;

  beforeAll(async () => {
    // invitations lapse after 1 ms; 3 invitation attempts per user and minute
    short = await startOwnServer({
      invitationTtl: 0.001,
      rateLimits: { ...GENEROUS_RATE_LIMITS, invitation: { points: 3, duration: 60 } },
    });
  });

  afterAll(async () => {
    await short?.stop();
  });

  it("a lapsed invitation is not pending anywhere; expireInvitations marks it EXPIRED and tells both", async () => {
    const [a, b, stranger] = await users(3, short);
    const [a1, b1, s1] = await Promise.all([listen(a, short), listen(b, short), listen(stranger, short)]);
    const { inviteToDuel: invitation } = await ok(a, INVITE, { u: b.username }, short);
    expect((await b1.next()).invitation.id).toBe(invitation.id);

    // lapsed (1 ms) but not yet swept: nothing treats it as pending
    expect(await me(a, short)).toMatchObject({ isEngaged: false, outgoingInvitation: null });
    expect(await me(b, short)).toMatchObject({ incomingInvitations: [] });
    const before = await stored([a, b], short);
    const accept = await reply(b, a.username, true, undefined, short);
    expect(accept.errors?.[0]).toMatchObject({ message: "Invitation not found.", extensions: { code: "NOT_FOUND" } });
    expect(codeOf(await reply(b, a.username, false, undefined, short))).toBe("NOT_FOUND");
    expect(codeOf(await cancel(a, b.username, short))).toBe("NOT_FOUND");
    expect(await stored([a, b], short)).toEqual(before);
    expect((await b1.next()).reason).toBe("INVITATION_NOT_FOUND");
    expect((await b1.next()).reason).toBe("NO_PENDING_INVITATIONS");
    expect((await a1.next()).reason).toBe("NO_PENDING_INVITATIONS");

    const expired = await short.app.services.invitations.expireInvitations();
    expect(expired.map((row) => [row.id, row.status])).toEqual([[invitation.id, "EXPIRED"]]);
    for (const socket of [a1, b1]) {
      expect(await socket.next()).toEqual({
        __typename: "InvitationExpiredEvent",
        invitation: { id: invitation.id, status: "EXPIRED" },
      });
    }
    expect((await stored([a, b], short)).invitations).toMatchObject([{ id: invitation.id, status: "EXPIRED" }]);
    for (const note of await inviteNotifications(invitation.id, short)) {
      expect(note).toMatchObject({ isRead: true, data: { status: "EXPIRED" } });
    }
    expect(await short.app.services.invitations.expireInvitations()).toEqual([]); // once

    // inviting again works, and the new one does not implicitly decline anything
    await ok(b, INVITE, { u: a.username }, short);
    expect((await a1.next()).__typename).toBe("InvitationReceivedEvent");
    await expectNothingElse(b, [b1], short);
    await expectNothingElse(stranger, [s1], short);
    for (const socket of [a1, b1, s1]) socket.close();
  });

  it("inviteToDuel is rate limited before anything else: RATE_LIMITED, nothing stored, no event", async () => {
    const [a] = await users(1, short);
    const a1 = await listen(a, short);
    for (let i = 0; i < 3; i++) {
      expect(codeOf(await invite(a, a.username, {}, short))).toBe("BAD_USER_INPUT"); // each attempt counts
      expect((await a1.next()).reason).toBe("SELF_INVITE");
    }
    const [b] = await users(1, short);
    const limited = await invite(a, b.username, {}, short);
    expect(codeOf(limited)).toBe("RATE_LIMITED");
    expect(await stored([a, b], short)).toEqual({ invitations: [], games: [], notifications: [] });
    await expectNothingElse(a, [a1], short); // the refusal is not pushed: a flood must not turn into events
    a1.close();
  });
});
