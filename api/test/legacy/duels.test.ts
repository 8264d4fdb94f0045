// Legacy duels end to end (protocol §3.6–3.9, §4.5–4.8, §5): real /ws/events/ sockets on a real server, both
// storage modes. Golden frames with exact keys and order, every recipient, and the absence of frames: a
// sentinel (a self-invite, which only the caller's sockets hear) must be the next frame where nothing may arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, startServer, type TestServer } from "../harness.ts";
import { type LegacyFrame, type LegacySocket, type LegacyUser, legacyUser } from "./legacy-client.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const ISO_PY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;
const AVATAR = "/img/default_avatar.png";
const SELF_INVITE = "You can't invite yourself to a game !";

type People<N extends number, R extends LegacyUser[] = []> = R["length"] extends N ? R : People<N, [...R, LegacyUser]>;
const people = <N extends number>(count: N) =>
  Promise.all(Array.from({ length: count }, () => legacyUser(server))) as Promise<People<N>>;

const invite = (socket: LegacySocket, username: string, clientId: string, settings?: unknown) =>
  socket.send({
    action: "game_invite",
    data: { client_id: clientId, username, ...(settings === undefined ? {} : { settings }) },
  });

let sentinels = 0;
/** Nothing reached these sockets of `user` before now: the self-invite refusal is each one's next frame. */
async function expectNothingElse(user: LegacyUser, sockets: LegacySocket[]) {
  const marker = `sentinel-${++sentinels}`;
  invite(sockets[0] as LegacySocket, user.username, marker);
  for (const socket of sockets) {
    expect(await socket.next()).toEqual({
      action: "game_invite_canceled",
      data: { message: SELF_INVITE, client_id: marker },
    });
  }
}

const keys = (frame: LegacyFrame) => [Object.keys(frame), Object.keys(frame.data ?? {})];

async function storedInvitations(...users: LegacyUser[]) {
  const ids = users.map((user) => user.user.id);
  return server.app.prisma.duelInvitation.findMany({
    where: { OR: [{ inviterId: { in: ids } }, { inviteeId: { in: ids } }] },
    orderBy: { createdAt: "asc" },
  });
}

describe("game_invite", () => {
  it("reaches every socket of the invitee with the golden frame; the inviter hears nothing", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2, b1, b2] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), bob.connect()]);
    const settings = { score_to_win: 7, game_speed: "fast", unknown_key: [1] };
    invite(a1, bob.username, "1700000000000-tab", settings);
    const [frame, copy] = await Promise.all([b1.next(), b2.next()]);
    expect(copy).toEqual(frame);
    expect(keys(frame)).toEqual([
      ["action", "data"],
      ["username", "nickname", "avatar", "game_id", "client_id", "settings", "status", "invitee", "date", "id"],
    ]);
    const [stored] = await storedInvitations(alice);
    const note = await server.app.prisma.notification.findFirstOrThrow({
      where: { receiverId: bob.user.id, invitationId: stored?.id },
    });
    expect(frame).toEqual({
      action: "game_invite",
      data: {
        username: alice.username,
        nickname: alice.username,
        avatar: AVATAR,
        game_id: stored?.id,
        client_id: "1700000000000-tab",
        settings,
        status: "pending",
        invitee: { username: bob.username, nickname: bob.username, avatar: AVATAR },
        date: expect.stringMatching(ISO_PY),
        id: note.id,
      },
    });
    expect(stored?.settings).toEqual({
      speed: "FAST",
      scoreToWin: 7,
      timeLimitMinutes: 3,
      ranked: false,
      coolMode: false,
    });
    await expectNothingElse(alice, [a1, a2]);
    await expectNothingElse(bob, [b1, b2]);
  });

  it("settings absent or null: the frame shows {} and the game takes the defaults", async () => {
    const [alice, bob, carol] = await people(3);
    const [a, b, c] = await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    invite(a, carol.username, "x");
    invite(b, carol.username, "y", null);
    const frames = [await c.next(), await c.next()];
    expect(frames.map((frame) => frame.data?.settings)).toEqual([{}, {}]);
    c.send({ action: "reply_game_invite", data: { username: bob.username, accept: true } });
    const accepted = await c.nextOf("game_accepted");
    const game = await server.app.prisma.game.findUniqueOrThrow({ where: { id: String(accepted.game_id) } });
    expect(game.settings).toEqual({
      speed: "MEDIUM",
      scoreToWin: 5,
      timeLimitMinutes: 3,
      ranked: false,
      coolMode: false,
    });
  });

  it.each([
    ["a non-object", "fast"],
    ["a list", []],
    ["a null known key", { ranked: null }],
    ["an unknown speed", { game_speed: "turbo" }],
    ["a numeric string", { score_to_win: "5" }],
    ["a score out of range", { score_to_win: 21 }],
    ["score_to_win: true", { score_to_win: true }],
  ])("invalid settings (%s) close 3100 and store nothing", async (_name, settings) => {
    const [alice, bob] = await people(2);
    const [a, b] = await Promise.all([alice.connect(), bob.connect()]);
    invite(a, bob.username, "c", settings);
    expect((await a.closed).code).toBe(3100);
    expect(await storedInvitations(alice)).toEqual([]);
    await expectNothingElse(bob, [b]);
  });

  it("refusals: yourself and engaged reach all the caller's sockets with message and client_id; an unknown invitee is silent", async () => {
    const [alice, bob, carol] = await people(3);
    const [a1, a2, c] = await Promise.all([alice.connect(), alice.connect(), carol.connect()]);
    invite(a1, "nobody_by_that_name", "t1");
    invite(a1, alice.username, "t2");
    for (const socket of [a1, a2]) {
      expect(await socket.next()).toEqual({
        action: "game_invite_canceled",
        data: { message: SELF_INVITE, client_id: "t2" },
      });
    }
    invite(a1, bob.username, "t3");
    invite(a1, carol.username, "t4"); // a pending invitation of one's own is engaged (one socket: in order)
    for (const socket of [a1, a2]) {
      expect(await socket.next()).toEqual({
        action: "game_invite_canceled",
        data: { message: "You are in an ongoing game.", client_id: "t4" },
      });
    }
    expect((await storedInvitations(alice)).map((row) => row.inviteeId)).toEqual([bob.user.id]);
    await expectNothingElse(carol, [c]);
  });

  it("across a block, either way: the inviter's sockets are told, nothing is stored, the invitee hears nothing", async () => {
    const [alice, bob, carol] = await people(3);
    await gql(server, `mutation($u: String!) { blockUser(username: $u) { id } }`, { u: alice.username }, bob.user);
    await gql(server, `mutation($u: String!) { blockUser(username: $u) { id } }`, { u: carol.username }, alice.user);
    const [a1, a2, b, c] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), carol.connect()]);
    for (const [invitee, clientId] of [
      [bob, "blocked-by"],
      [carol, "blocking"],
    ] as const) {
      invite(a1, invitee.username, clientId);
      for (const socket of [a1, a2]) {
        expect(await socket.next()).toEqual({
          action: "game_invite_canceled",
          data: { message: "One of you has blocked the other.", client_id: clientId },
        });
      }
    }
    expect(await storedInvitations(alice)).toEqual([]);
    await expectNothingElse(bob, [b]);
    await expectNothingElse(carol, [c]);
  });
});

describe("accepting", () => {
  it("sends the flat game_accepted (other player, elo) to every socket of both; both get the same game id", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2, b1, b2] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), bob.connect()]);
    invite(a1, bob.username, "t");
    await Promise.all([b1.next(), b2.next()]);
    b2.send({ action: "reply_game_invite", data: { username: alice.username, accept: true, client_id: "b2" } });
    const frames = await Promise.all([a1.next(), a2.next(), b1.next(), b2.next()]);
    const gameId = frames[0]?.game_id;
    for (const frame of frames)
      expect(Object.keys(frame)).toEqual(["action", "game_id", "username", "nickname", "avatar", "elo"]);
    const describe = (user: LegacyUser) => ({
      username: user.username,
      nickname: user.username,
      avatar: AVATAR,
      elo: 1000,
    });
    expect(frames).toEqual([
      { action: "game_accepted", game_id: gameId, ...describe(bob) },
      { action: "game_accepted", game_id: gameId, ...describe(bob) },
      { action: "game_accepted", game_id: gameId, ...describe(alice) },
      { action: "game_accepted", game_id: gameId, ...describe(alice) },
    ]);
    const game = await server.app.prisma.game.findUniqueOrThrow({ where: { id: String(gameId) } });
    expect([game.status, game.playerAId, game.playerBId]).toEqual(["ONGOING", alice.user.id, bob.user.id]);
    await expectNothingElse(alice, [a1, a2]);
    await expectNothingElse(bob, [b1, b2]);
  });

  it("the client action game_accepted accepts whatever its accept says", async () => {
    const [alice, bob] = await people(2);
    const [a, b] = await Promise.all([alice.connect(), bob.connect()]);
    invite(a, bob.username, "t");
    await b.next();
    b.send({ action: "game_accepted", data: { username: alice.username, accept: false } });
    expect((await a.next()).action).toBe("game_accepted");
    expect((await b.next()).action).toBe("game_accepted");
  });

  it("refusals: from yourself, not found (unknown inviter too), engaged; the client_id is echoed when given", async () => {
    const [alice, bob, carol] = await people(3);
    const [a1, a2, b, c] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), carol.connect()]);
    const accept = (username: string, clientId?: unknown) =>
      a1.send({
        action: "reply_game_invite",
        data: { username, accept: true, ...(clientId === undefined ? {} : { client_id: clientId }) },
      });
    const expectBoth = async (data: Record<string, unknown>) => {
      for (const socket of [a1, a2]) expect(await socket.next()).toEqual({ action: "game_invite_canceled", data });
    };
    accept(alice.username, "t1");
    await expectBoth({ message: "You can't accept invitations from yourself to a game !", client_id: "t1" });
    accept(bob.username);
    await expectBoth({ message: "Invitation not found." });
    accept("nobody_by_that_name", null);
    await expectBoth({ message: "Invitation not found." });
    invite(c, alice.username, "from-carol");
    await a1.next();
    await a2.next();
    invite(a1, bob.username, "mine"); // now alice is engaged
    await b.next();
    accept(carol.username, "t4");
    await expectBoth({ message: "You are in an ongoing game.", client_id: "t4" });
    expect((await storedInvitations(carol)).map((row) => row.status)).toEqual(["PENDING"]);
  });

  it("of truly concurrent accepts from several sockets, exactly one starts a game", async () => {
    const [alice, bob] = await people(2);
    const a = await alice.connect();
    const tabs = await Promise.all(Array.from({ length: 6 }, () => bob.connect()));
    invite(a, bob.username, "t");
    await Promise.all(tabs.map((tab) => tab.next()));
    for (const tab of tabs) tab.send({ action: "reply_game_invite", data: { username: alice.username, accept: true } });
    const accepted = await a.nextOf("game_accepted");
    // every tab gets the one game_accepted, and a refusal for each of the five accepts that lost
    for (const tab of tabs) {
      const frames = await Promise.all(Array.from({ length: 6 }, () => tab.next()));
      expect(frames.filter((frame) => frame.action === "game_accepted")).toEqual([
        expect.objectContaining({ game_id: accepted.game_id }),
      ]);
      expect(frames.filter((frame) => frame.action === "game_invite_canceled")).toHaveLength(5);
    }
    const games = await server.app.prisma.game.findMany({ where: { playerBId: bob.user.id } });
    expect(games.map((game) => game.id)).toEqual([accepted.game_id]);
    await expectNothingElse(alice, [a]);
  });
});

describe("declining", () => {
  it("game_declined goes to the decliner's acting socket only and to every socket of the inviter", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2, b1, b2] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), bob.connect()]);
    invite(a1, bob.username, "t");
    await Promise.all([b1.next(), b2.next()]);
    b1.send({ action: "reply_game_invite", data: { username: alice.username, accept: false, client_id: "ignored" } });
    const golden = { action: "game_declined", data: { username: bob.username, nickname: bob.username } };
    for (const socket of [b1, a1, a2]) expect(await socket.next()).toEqual(golden);
    await expectNothingElse(bob, [b2, b1]);
    expect((await storedInvitations(alice)).map((row) => row.status)).toEqual(["DECLINED"]);
  });

  it("no pending invitation: 'No pending invitations found.' without client_id; an unknown inviter is silent", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2] = await Promise.all([alice.connect(), alice.connect()]);
    a1.send({ action: "reply_game_invite", data: { username: "nobody_by_that_name", accept: false } });
    a1.send({ action: "game_declined", data: { username: bob.username, accept: true } });
    for (const socket of [a1, a2]) {
      expect(await socket.next()).toEqual({
        action: "game_invite_canceled",
        data: { message: "No pending invitations found." },
      });
    }
    await expectNothingElse(alice, [a1, a2]);
  });

  it("inviting your inviter declines theirs first: your acting socket and their sockets get game_declined", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2, b1, b2] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), bob.connect()]);
    invite(b1, alice.username, "from-bob");
    await Promise.all([a1.next(), a2.next()]);
    invite(a1, bob.username, "back");
    const declined = { action: "game_declined", data: { username: alice.username, nickname: alice.username } };
    expect(await a1.next()).toEqual(declined);
    for (const socket of [b1, b2]) {
      expect(await socket.next()).toEqual(declined);
      expect(await socket.next()).toMatchObject({ action: "game_invite", data: { client_id: "back" } });
    }
    await expectNothingElse(alice, [a2, a1]);
    expect((await storedInvitations(alice)).map((row) => [row.inviterId, row.status])).toEqual([
      [bob.user.id, "DECLINED"],
      [alice.user.id, "PENDING"],
    ]);
  });
});

describe("cancel_game_invite", () => {
  it("tells every socket of both sides, naming the inviter; nothing pending or unknown is silent", async () => {
    const [alice, bob] = await people(2);
    const [a1, a2, b1, b2] = await Promise.all([alice.connect(), alice.connect(), bob.connect(), bob.connect()]);
    a1.send({ action: "cancel_game_invite", data: { username: bob.username } });
    a1.send({ action: "cancel_game_invite", data: { username: "nobody_by_that_name" } });
    await expectNothingElse(alice, [a1, a2]);
    invite(a1, bob.username, "t");
    await Promise.all([b1.next(), b2.next()]);
    a2.send({ action: "cancel_game_invite", data: { username: bob.username } });
    const golden = { action: "game_invite_canceled", data: { username: alice.username, nickname: alice.username } };
    for (const socket of [a1, a2, b1, b2]) expect(await socket.next()).toEqual(golden);
    expect((await storedInvitations(alice)).map((row) => row.status)).toEqual(["CANCELLED"]);
    await expectNothingElse(bob, [b1, b2]);
  });
});

describe("frames legacy rejects", () => {
  it.each([
    ["new_tournament", { tournament_id: "x", tournament_name: "n", organizer_id: "y" }],
    ["game_invite", { username: "x" }],
    ["reply_game_invite", { username: "x", accept: "true" }],
    ["game_accepted", { username: "x" }],
    ["cancel_game_invite", { username: 5 }],
  ])("%s %j closes 3100", async (action, data) => {
    const [alice] = await people(1);
    const socket = await alice.connect();
    socket.send({ action, data });
    expect((await socket.closed).code).toBe(3100);
  });
});
