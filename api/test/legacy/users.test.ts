// Legacy users, profiles, friends and blocks (protocol §8.5): golden bodies, statuses and texts.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness.ts";
import { LegacyHttp } from "./cookie-jar.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

let counter = 0;
async function user(prefix = "usr") {
  const http = new LegacyHttp(new URL(server.url).origin);
  const username = `${prefix}${++counter}_${randomBytes(3).toString("hex")}`;
  await http.signUp(username);
  return { http, username };
}

describe("GET /api/users", () => {
  it("prefix search on username or nickname: online first then by nickname, me included, my blockers hidden", async () => {
    const tag = `s${randomBytes(3).toString("hex")}`;
    const me = await user(`${tag}m`);
    const online = await user(`${tag}z`);
    const offline = await user(`${tag}a`);
    const blocker = await user(`${tag}b`);
    expect(
      (await blocker.http.post(`/api/users/${blocker.username}/blocked_users`, { username: me.username })).status,
    ).toBe(201);
    // `offline` made no request since its sign-up, which is not activity (§7)
    await online.http.get("/api/self");
    const response = await me.http.get(`/api/users?search=${tag.toUpperCase()}`);
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(3);
    expect(response.body.items.map((item: { username: string }) => item.username)).toEqual([
      me.username,
      online.username,
      offline.username,
    ]);
    expect(response.body.items[2]).toEqual({
      username: offline.username,
      nickname: offline.username,
      avatar: "/img/default_avatar.png",
      elo: 1000,
      is_online: false,
    });
    const page = await me.http.get(`/api/users?search=${tag}&limit=1&offset=1`);
    expect(page.body).toEqual({ items: [expect.objectContaining({ username: online.username })], count: 3 });
    expect((await me.http.get(`/api/users?search=${"x".repeat(300)}`)).body).toEqual({ items: [], count: 0 });
  });

  it("limit and offset are validated with a 422 list", async () => {
    const { http } = await user();
    const response = await http.get("/api/users?limit=0&offset=-1");
    expect(response.status).toBe(422);
    expect(response.body.map((item: { loc: string[] }) => item.loc)).toEqual([
      ["query", "limit"],
      ["query", "offset"],
    ]);
    expect((await new LegacyHttp(new URL(server.url).origin).get("/api/users?limit=0")).status).toBe(401);
  });
});

describe("GET /api/users/{username}", () => {
  it("the full legacy profile, every key, neutral match statistics, case-insensitive", async () => {
    const me = await user();
    const other = await user();
    await me.http.post(`/api/users/${me.username}/friends`, { username: other.username });
    const response = await me.http.get(`/api/users/${other.username.toUpperCase()}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      username: other.username,
      nickname: other.username,
      avatar: "/img/default_avatar.png",
      elo: 1000,
      is_online: false,
      date_joined: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      wins: 0,
      loses: 0,
      total_matches: 0,
      winrate: null,
      worst_enemy: null,
      best_enemy: null,
      scored_balls: 0,
      elo_history: [],
      match_history: [],
      friends_count: 0,
      is_friend: true,
      is_blocked_user: false,
      is_blocked_by_user: false,
      title: "Troublemaker",
      price: 50,
    });
    const mine = await me.http.get(`/api/users/${me.username}`);
    expect(mine.body).toMatchObject({ friends_count: 1, is_friend: false });
    await other.http.post(`/api/users/${other.username}/blocked_users`, { username: me.username });
    expect((await me.http.get(`/api/users/${other.username}`)).body).toMatchObject({
      is_blocked_user: false,
      is_blocked_by_user: true,
    });
    expect(await me.http.get("/api/users/Nobody_Here")).toMatchObject({
      status: 404,
      body: { msg: "User Nobody_Here not found." },
    });
  });
});

describe("friends", () => {
  it("add (201), list online first, remove (204), with the legacy texts", async () => {
    const me = await user();
    const friend = await user();
    const base = `/api/users/${me.username}/friends`;
    const added = await me.http.post(base, { username: friend.username.toUpperCase() });
    expect(added).toMatchObject({ status: 201, body: { username: friend.username, is_online: false } });
    expect(Object.keys(added.body)).toEqual(["username", "nickname", "avatar", "elo", "is_online"]);
    const refusals: [unknown, number, string][] = [
      [{ username: friend.username }, 422, `User ${friend.username} is already in the friendlist.`],
      [{ username: me.username }, 422, "Can't add yourself to the friendlist."],
      [{ username: "nobody_here" }, 404, "User nobody_here not found."],
    ];
    for (const [body, status, msg] of refusals) {
      expect(await me.http.post(base, body)).toMatchObject({ status, body: { msg } });
    }
    expect(await me.http.post(base, {})).toMatchObject({
      status: 422,
      body: [{ type: "missing", loc: ["body", "user_to_add", "username"] }],
    });
    expect(await me.http.get(`/api/users/${me.username.toUpperCase()}/friends`)).toMatchObject({
      status: 200,
      body: { items: [{ username: friend.username }], count: 1 },
    });
    expect(await me.http.delete(`${base}/${friend.username}`)).toMatchObject({ status: 204 });
    expect(await me.http.delete(`${base}/${friend.username}`)).toMatchObject({
      status: 422,
      body: { msg: `User ${friend.username} is not in the friendlist.` },
    });
    expect(await me.http.get(base)).toMatchObject({ body: { items: [], count: 0 } });
  });

  it("{me} must be the caller: 403 Forbidden. on every friends and blocks route", async () => {
    const me = await user();
    const other = await user();
    const forbidden = { status: 403, body: { msg: "Forbidden." } };
    for (const [method, path, body] of [
      ["GET", `/api/users/${other.username}/friends`],
      ["POST", `/api/users/${other.username}/friends`, { username: me.username }],
      ["DELETE", `/api/users/${other.username}/friends/${me.username}`],
      ["GET", `/api/users/${other.username}/blocked_users`],
      ["POST", `/api/users/${other.username}/blocked_users`, { username: me.username }],
      ["DELETE", `/api/users/${other.username}/blocked_users/${me.username}`],
    ] as [string, string, unknown?][]) {
      expect([path, await me.http.request(method, path, { body })]).toMatchObject([path, forbidden]);
    }
  });
});

describe("blocked users", () => {
  it("block (201, unfriends), list, unblock (204), with the legacy texts", async () => {
    const me = await user();
    const target = await user();
    const base = `/api/users/${me.username}/blocked_users`;
    await me.http.post(`/api/users/${me.username}/friends`, { username: target.username });
    expect(await me.http.post(base, { username: target.username })).toMatchObject({
      status: 201,
      body: { username: target.username },
    });
    expect(await me.http.get(`/api/users/${me.username}/friends`)).toMatchObject({ body: { count: 0 } });
    expect(await me.http.post(`/api/users/${me.username}/friends`, { username: target.username })).toMatchObject({
      status: 422,
      body: { msg: `User ${target.username} is in the blocklist.` },
    });
    expect(await me.http.post(base, { username: target.username })).toMatchObject({
      status: 422,
      body: { msg: `User ${target.username} is already blocked.` },
    });
    expect(await me.http.post(base, { username: me.username })).toMatchObject({
      status: 422,
      body: { msg: "Can't block self." },
    });
    expect(await me.http.get(base)).toMatchObject({ body: { items: [{ username: target.username }], count: 1 } });
    expect(await me.http.delete(`${base}/${target.username}`)).toMatchObject({ status: 204 });
    expect(await me.http.delete(`${base}/${target.username}`)).toMatchObject({
      status: 422,
      body: { msg: `User ${target.username} is not in your blocklist.` },
    });
    expect(await me.http.delete(`${base}/nobody_here`)).toMatchObject({
      status: 404,
      body: { msg: "User nobody_here not found." },
    });
  });
});
