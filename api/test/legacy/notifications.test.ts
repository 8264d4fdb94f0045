// Legacy notifications end to end (protocol §3.4, §4.9, §4.10, §6, §8.3, §8.7): real sockets and HTTP on a real
// server, both storage modes. Golden bodies and frames, recipients, and absent frames (a self-invite sentinel).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, startServer, type TestServer } from "../harness.ts";
import { type LegacySocket, type LegacyUser, legacyUser } from "./legacy-client.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const ISO_PY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;
const ISO_HTTP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;
const AVATAR = "/img/default_avatar.png";
const CSRF = "abcdefghijklmnopqrstuvwxyz012345";

type People<N extends number, R extends LegacyUser[] = []> = R["length"] extends N ? R : People<N, [...R, LegacyUser]>;
const people = <N extends number>(count: N) =>
  Promise.all(Array.from({ length: count }, () => legacyUser(server))) as Promise<People<N>>;

/** An unsafe request as the frontend sends it: its own csrftoken cookie echoed in X-CSRFToken. */
function post(user: LegacyUser, path: string, body?: unknown) {
  user.jar.set("csrftoken", CSRF);
  return user.fetch(path, {
    method: "POST",
    headers: { "x-csrftoken": CSRF, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function list(user: LegacyUser, query = "") {
  const response = await user.fetch(`/api/notifications${query}`);
  return { status: response.status, body: (await response.json()) as any };
}

const addFriend = (from: LegacyUser, to: LegacyUser) =>
  gql(server, `mutation($u: String!) { addFriend(username: $u) { id } }`, { u: to.username }, from.user);

let sentinels = 0;
async function expectNothingElse(user: LegacyUser, sockets: LegacySocket[]) {
  const marker = `sentinel-${++sentinels}`;
  (sockets[0] as LegacySocket).send({ action: "game_invite", data: { client_id: marker, username: user.username } });
  for (const socket of sockets) {
    expect(await socket.next()).toMatchObject({ action: "game_invite_canceled", data: { client_id: marker } });
  }
}

describe("new_friend", () => {
  it("reaches every socket of the added user: adder's username, nickname, avatar, date; no id", async () => {
    const [alice, bob] = await people(2);
    const [a, b1, b2] = await Promise.all([alice.connect(), bob.connect(), bob.connect()]);
    await addFriend(alice, bob);
    for (const socket of [b1, b2]) {
      const frame = await socket.next();
      expect(Object.keys(frame.data ?? {})).toEqual(["username", "nickname", "avatar", "date"]);
      expect(frame).toEqual({
        action: "new_friend",
        data: {
          username: alice.username,
          nickname: alice.username,
          avatar: AVATAR,
          date: expect.stringMatching(ISO_PY),
        },
      });
    }
    await expectNothingElse(alice, [a]);
  });
});

describe("read_notification", () => {
  it("reads only the caller's own notification; another's id and unknown ids change nothing, silently", async () => {
    const [alice, bob, carol] = await people(3);
    await addFriend(alice, bob);
    await addFriend(alice, carol);
    const [b, c] = await Promise.all([bob.connect(), carol.connect()]);
    const bobs = (await list(bob)).body.items[0].id as string;
    const carols = (await list(carol)).body.items[0].id as string;
    c.send({ action: "read_notification", data: { id: bobs } });
    c.send({ action: "read_notification", data: { id: "00000000-0000-4000-8000-000000000000" } });
    b.send({ action: "read_notification", data: { id: carols.toUpperCase() } });
    b.send({ action: "read_notification", data: { id: bobs.toUpperCase().replaceAll("-", "") } });
    await expectNothingElse(bob, [b]);
    await expectNothingElse(carol, [c]);
    expect((await list(bob)).body.items[0].is_read).toBe(true);
    expect((await list(carol)).body.items[0].is_read).toBe(false);
  });

  it.each([[""], ["nope"], [5], [null]])("id %j closes 3100", async (id) => {
    const [alice] = await people(1);
    const socket = await alice.connect();
    socket.send({ action: "read_notification", data: { id } });
    expect((await socket.closed).code).toBe(3100);
  });
});

describe("GET /api/notifications", () => {
  it("lists newest first with the legacy item shapes; hides answered invitations", async () => {
    const [alice, bob, carol, dave] = await people(4);
    const [a, c, d] = await Promise.all([alice.connect(), carol.connect(), dave.connect()]);
    await addFriend(bob, alice);
    c.send({ action: "game_invite", data: { client_id: "c1", username: alice.username, settings: { ranked: true } } });
    await a.nextOf("game_invite");
    d.send({ action: "game_invite", data: { client_id: "d1", username: alice.username } });
    await a.nextOf("game_invite");
    a.send({ action: "reply_game_invite", data: { username: dave.username, accept: false } });
    await a.nextOf("game_declined");
    const { status, body } = await list(alice);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["items", "count"]);
    expect(body.count).toBe(2);
    const [invite, friend] = body.items;
    expect(Object.keys(invite)).toEqual(["id", "action", "data", "is_read"]);
    expect(Object.keys(invite.data)).toEqual([
      "username",
      "nickname",
      "avatar",
      "date",
      "game_id",
      "settings",
      "invitee",
    ]);
    expect(invite).toEqual({
      id: expect.any(String),
      action: "game_invite",
      data: {
        username: carol.username,
        nickname: carol.username,
        avatar: AVATAR,
        date: expect.stringMatching(ISO_HTTP),
        game_id: expect.any(String),
        settings: { game_speed: "medium", score_to_win: 5, time_limit: 3, ranked: true, cool_mode: false },
        invitee: { username: alice.username, nickname: alice.username, avatar: AVATAR },
      },
      is_read: false,
    });
    expect(friend).toEqual({
      id: expect.any(String),
      action: "new_friend",
      data: { username: bob.username, nickname: bob.username, avatar: AVATAR, date: expect.stringMatching(ISO_HTTP) },
      is_read: false,
    });
    // the inviter's own copy of a pending invitation is listed for them too
    expect((await list(carol)).body.items.map((item: any) => item.data.invitee.username)).toEqual([alice.username]);
  });

  it("is_read: all, false, and anything else means read only", async () => {
    const [alice, bob, carol] = await people(3);
    await addFriend(bob, alice);
    await addFriend(carol, alice);
    const a = await alice.connect();
    const newest = (await list(alice)).body.items[0];
    a.send({ action: "read_notification", data: { id: newest.id } });
    await expectNothingElse(alice, [a]);
    const names = async (query: string) =>
      (await list(alice, query)).body.items.map((item: any) => [item.data.username, item.is_read]);
    expect(await names("?is_read=all")).toEqual([
      [carol.username, true],
      [bob.username, false],
    ]);
    expect(await names("?is_read=false")).toEqual([[bob.username, false]]);
    for (const other of ["true", "foo", ""]) expect(await names(`?is_read=${other}`)).toEqual([[carol.username, true]]);
  });

  it("pages with limit (default 10, no maximum) and offset; count is the total; bad values are a 422 list", async () => {
    const [alice, ...friends] = await people(13);
    for (const friend of friends) await addFriend(friend, alice);
    const page = async (query: string) => (await list(alice, query)).body;
    expect((await page("")).items).toHaveLength(10);
    expect((await page("")).count).toBe(12);
    const all = await page("?limit=1000");
    expect(all.items.map((item: any) => item.data.username)).toEqual(friends.map((f) => f.username).reverse());
    expect(await page("?limit=5&offset=10")).toEqual({ items: all.items.slice(10), count: 12 });
    expect(await page("?offset=50")).toEqual({ items: [], count: 12 });
    const bad = await list(alice, "?limit=0&offset=-1");
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual([
      expect.objectContaining({ type: "greater_than_equal", loc: ["query", "limit"] }),
      expect.objectContaining({ type: "greater_than_equal", loc: ["query", "offset"] }),
    ]);
    expect((await list(alice, "?limit=x")).status).toBe(422);
  });

  it("exact path, and 401 without a session", async () => {
    const [alice] = await people(1);
    expect((await alice.fetch("/api/notifications/")).status).toBe(404);
    alice.jar.set("access_token", "nope");
    expect(await list(alice)).toEqual({ status: 401, body: { msg: "Unauthorized." } });
  });
});

describe("POST /api/notifications/mark_all_as_read", () => {
  it("reads only the caller's; 200 with the legacy text, also with nothing to read; CSRF required", async () => {
    const [alice, bob] = await people(2);
    await addFriend(bob, alice);
    await addFriend(alice, bob);
    const refused = await alice.fetch("/api/notifications/mark_all_as_read", { method: "POST" });
    expect(refused.status).toBe(403);
    for (let round = 0; round < 2; round++) {
      const response = await post(alice, "/api/notifications/mark_all_as_read");
      expect([response.status, await response.json()]).toEqual([200, { msg: "All notifications marked as read" }]);
    }
    expect((await list(alice, "?is_read=false")).body.count).toBe(0);
    expect((await list(bob, "?is_read=false")).body.count).toBe(1);
  });
});

describe("POST /api/tournaments", () => {
  it("201; every other user's sockets get new_tournament, the creator's none; listed while open", async () => {
    const [alice, bob, carol] = await people(3);
    const [a, b1, b2, c] = await Promise.all([alice.connect(), bob.connect(), bob.connect(), carol.connect()]);
    const response = await post(alice, "/api/tournaments", {
      name: "Spring Cup",
      required_participants: 4,
      alias: "ace",
      settings: { game_speed: "slow" },
    });
    expect(response.status).toBe(201);
    const tournament = (await response.json()) as any;
    expect(tournament).toMatchObject({
      name: "Spring Cup",
      required_participants: 4,
      status: "pending",
      settings: { game_speed: "slow", score_to_win: 5, time_limit: 3, ranked: false, cool_mode: false },
    });
    for (const socket of [b1, b2, c]) {
      const frame = await socket.nextOf("new_tournament");
      expect(Object.keys(frame.data ?? {})).toEqual([
        "username",
        "nickname",
        "avatar",
        "tournament_id",
        "tournament_name",
        "alias",
        "invitation_id",
        "status",
        "date",
      ]);
      expect(frame.data).toMatchObject({
        username: alice.username,
        nickname: alice.username,
        avatar: AVATAR,
        tournament_id: tournament.id,
        tournament_name: "Spring Cup",
        alias: "ace",
        status: "open",
        date: expect.stringMatching(ISO_PY),
      });
    }
    await expectNothingElse(alice, [a]);
    const [listed] = (await list(bob)).body.items;
    expect(listed).toMatchObject({
      action: "new_tournament",
      data: { username: alice.username, tournament_id: tournament.id, tournament_name: "Spring Cup", alias: "ace" },
    });
    expect(Object.keys(listed.data)).toEqual([
      "username",
      "nickname",
      "avatar",
      "date",
      "tournament_id",
      "tournament_name",
      "alias",
    ]);
  });

  it("422 list for an invalid body; 403 while engaged; nothing announced", async () => {
    const [alice, bob] = await people(2);
    const b = await bob.connect();
    const bad = await post(alice, "/api/tournaments", { name: "", required_participants: 5, alias: "x" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any[]).map((item) => item.loc)).toEqual([
      ["body", "name"],
      ["body", "required_participants"],
    ]);
    const badSettings = await post(alice, "/api/tournaments", {
      name: "n",
      required_participants: 8,
      alias: "x",
      settings: { score_to_win: 99 },
    });
    expect(badSettings.status).toBe(422);
    const a = await alice.connect();
    a.send({ action: "game_invite", data: { client_id: "c", username: bob.username } });
    await b.nextOf("game_invite");
    const engaged = await post(alice, "/api/tournaments", { name: "n", required_participants: 8, alias: "x" });
    expect(engaged.status).toBe(403);
    expect(await engaged.json()).toEqual({ msg: expect.any(String) });
    await expectNothingElse(bob, [b]);
  });
});
