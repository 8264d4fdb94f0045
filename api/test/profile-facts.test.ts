// What the legacy profile page and user lists need from the API: joinedAt, friendCount, isFriend (batched),
// online-first lists, the current tournament, and an expired session told apart from a missing one.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, gql, JWT_SECRET, sessionIdOf, startServer, type TestServer } from "./harness.ts";

let server: TestServer;
const queries: string[] = [];
const { users, as, refused } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer({ queryEvents: true });
  server.app.prisma.$on("query", (event) => queries.push(event.query));
});
afterAll(() => server?.stop());

const FACTS = "query($u: String!) { user(username: $u) { joinedAt friendCount isFriend } }";

describe("User.joinedAt, friendCount, isFriend", () => {
  it("tell when the account was made, how many it follows, and whether the viewer follows it", async () => {
    const [me, other, third] = await users(3);
    await as(other, "mutation($u: String!) { addFriend(username: $u) { id } }", { u: third.username });
    expect((await as(me, FACTS, { u: other.username })).user).toEqual({
      joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      friendCount: 1,
      isFriend: false,
    });
    await as(me, "mutation($u: String!) { addFriend(username: $u) { id } }", { u: other.username });
    expect((await as(me, FACTS, { u: other.username })).user).toMatchObject({ friendCount: 1, isFriend: true });
    expect((await as(other, FACTS, { u: me.username })).user).toMatchObject({ friendCount: 1, isFriend: false });
    const stored = await server.app.prisma.user.findUniqueOrThrow({ where: { id: other.id } });
    expect((await as(me, FACTS, { u: other.username })).user.joinedAt).toBe(stored.createdAt.toISOString());
  });

  it("cost the same few queries for a list of any length", async () => {
    const tag = `pf${Date.now().toString(36)}`;
    const [viewer] = await users(1);
    const list = `query($q: String!) { searchUsers(query: $q, first: 100) { nodes { joinedAt friendCount isFriend } } }`;
    const countFor = async (k: number) => {
      await Promise.all(
        Array.from({ length: k }, (_, i) =>
          gql(
            server,
            'mutation($u: String!, $e: String!) { signUp(username: $u, email: $e, password: "correct1horse") { accessToken } }',
            { u: `${tag}${k}x${i}`, e: `${tag}${k}x${i}@example.com` },
          ),
        ),
      );
      const start = queries.length;
      const result = await as(viewer!, list, { q: `${tag}${k}x` });
      expect(result.searchUsers.nodes).toHaveLength(k);
      return queries.slice(start).filter((query) => query.includes("friendships") || query.includes("created_at"))
        .length;
    };
    expect(await countFor(6)).toBe(await countFor(2));
  });
});

describe("onlineFirst", () => {
  it("lists users online now first, each part by nickname, and counts the viewer as online", async () => {
    const tag = `of${Date.now().toString(36)}`;
    const signUpNamed = (name: string) =>
      gql(
        server,
        'mutation($u: String!, $e: String!) { signUp(username: $u, email: $e, password: "correct1horse") { accessToken user { id username } } }',
        { u: name, e: `${name}@example.com` },
      ).then((result) => ({ token: result.data?.signUp.accessToken as string, username: `${name}` }));
    const [viewer, zed, amy] = await Promise.all([
      signUpNamed(`${tag}m`),
      signUpNamed(`${tag}z`),
      signUpNamed(`${tag}a`),
    ]);
    await gql(server, "{ me { id } }", {}, zed!); // an authenticated request: zed is active
    const search = (onlineFirst: boolean) =>
      gql(
        server,
        "query($q: String!, $o: Boolean) { searchUsers(query: $q, onlineFirst: $o) { totalCount nodes { username isOnline } } }",
        { q: tag, o: onlineFirst },
        viewer!,
      );
    await expect
      .poll(async () => (await search(true)).data?.searchUsers.nodes.map((node: { username: string }) => node.username))
      .toEqual([viewer!.username, zed!.username, amy!.username]);
    const plain = await search(false);
    expect(plain.data?.searchUsers.nodes.map((node: { username: string }) => node.username)).toEqual([
      amy!.username,
      viewer!.username,
      zed!.username,
    ]);
    expect(plain.data?.searchUsers.nodes[1]).toEqual({ username: viewer!.username, isOnline: true });
    const window = await gql(
      server,
      "query($q: String!) { searchUsers(query: $q, onlineFirst: true, first: 2, offset: 1) { totalCount nodes { username } } }",
      { q: tag },
      viewer!,
    );
    expect(window.data?.searchUsers).toEqual({
      totalCount: 3,
      nodes: [{ username: zed!.username }, { username: amy!.username }],
    });
  });
});

describe("Me.currentTournament", () => {
  it("is the open tournament I hold a place in, else null", async () => {
    const [me] = await users(1);
    expect((await as(me, "{ me { currentTournament { id } } }")).me.currentTournament).toBeNull();
    const created = await as(
      me,
      `mutation { createTournament(name: "Cup", requiredParticipants: 4, alias: "me") { id } }`,
    );
    expect((await as(me, "{ me { currentTournament { id status } } }")).me.currentTournament).toEqual({
      id: created.createTournament.id,
      status: "OPEN",
    });
    await as(me, "mutation($id: ID!) { cancelTournament(id: $id) { id } }", { id: created.createTournament.id });
    expect((await as(me, "{ me { currentTournament { id } } }")).me.currentTournament).toBeNull();
  });
});

describe("UNAUTHENTICATED", () => {
  it("carries reason: expired for an expired token only", async () => {
    const [me] = await users(1);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sid: sessionIdOf(me) })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(me.id)
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 10)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const late = await refused({ ...me, token: expired }, "{ me { id } }", {}, "UNAUTHENTICATED");
    expect(late?.extensions).toMatchObject({ reason: "expired" });
    const none = await refused(null, "{ me { id } }", {}, "UNAUTHENTICATED");
    expect(none?.extensions).not.toHaveProperty("reason");
  });
});
