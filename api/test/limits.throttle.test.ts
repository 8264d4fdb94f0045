// Throttling where a script would abuse the API: logIn and signUp per client address (the socket's, or
// X-Forwarded-For behind TRUST_PROXY), setTyping (rate-limited and coalesced), friend add/remove cycles,
// tournament create/cancel cycles; and blocks: no friend request or tournament announcement across one.
// Other addresses are real: requests leave from 127.0.0.2, 127.0.0.3… (Linux routes all of 127/8 to loopback).
// Each strict server has its own Redis key prefix: other suites sign up from 127.0.0.1 on the same Redis.
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.ts";
import { clientAddress } from "../src/infra/client-address.ts";
import { DEFAULT_RATE_LIMITS, type RateLimitConfig, rateLimitConfig } from "../src/infra/rate-limit.ts";
import {
  CHAT_EVENTS,
  clientOf,
  EventQueue,
  GENEROUS_RATE_LIMITS,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

const PASSWORD = "correct1horse";
const LOG_IN = `mutation($l: String!, $p: String!) { logIn(login: $l, password: $p) { user { username } } }`;
const SIGN_UP = `mutation($u: String!, $e: String!) {
  signUp(username: $u, email: $e, password: "${PASSWORD}") { user { id } }
}`;
const USER = `query($u: String!) { user(username: $u) { id } }`;
const TYPING = `mutation($c: ID!) { setTyping(chatId: $c) }`;
const ADD_FRIEND = `mutation($u: String!) { addFriend(username: $u) { id } }`;
const REMOVE_FRIEND = `mutation($u: String!) { removeFriend(username: $u) { id } }`;
const BLOCK = `mutation($u: String!) { blockUser(username: $u) { id } }`;
const NOTIFICATIONS = `{ notifications(first: 100) { totalCount nodes { kind tournamentId actor { username } } } }`;
const NOTIFICATION_EVENTS = `subscription {
  notificationEvents {
    __typename
    ... on NotificationCreatedEvent { notification { kind actor { username } } }
  }
}`;
const CREATE_TOURNAMENT = `mutation($n: String!) {
  createTournament(name: $n, requiredParticipants: 4, alias: "me") { id }
}`;
const CANCEL_TOURNAMENT = `mutation($id: ID!) { cancelTournament(id: $id) { id } }`;

type Extensions = { code?: string; retryAfter?: number };
const extensionsOf = (result: { errors?: { extensions?: Extensions }[] }) => result.errors?.[0]?.extensions ?? {};
const codeOf = (result: { errors?: { extensions?: Extensions }[] }) => extensionsOf(result).code;

/** A GraphQL POST that leaves from `localAddress` (the server sees it as the client's address). */
function gqlFrom(
  server: TestServer,
  localAddress: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: any; errors?: { message: string; extensions?: Extensions }[] }> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      server.url,
      { method: "POST", localAddress, headers: { "content-type": "application/json", ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const logInFrom = (server: TestServer, address: string, login: string, password: string) =>
  gqlFrom(server, address, LOG_IN, { l: login, p: password });

/** A server with its own Redis key prefix, so counts keyed by 127.0.0.1 are this test's alone. */
const strictServer = (rateLimits: RateLimitConfig, config: Partial<Config> = {}) =>
  startServer({ config: { rateLimits, redisKeyPrefix: `test-${randomBytes(4).toString("hex")}:`, ...config } });

describe("logIn throttling, default limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await strictServer(DEFAULT_RATE_LIMITS);
  });
  afterAll(() => server.stop());

  it("100 wrong passwords: 10 are checked, the rest refused with retryAfter, and then the right one is refused too", async () => {
    const victim = await signUp(server);
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 100; i++) results.push(await logInFrom(server, "127.0.0.1", victim.username, `wrong${i}x`));
    const elapsed = Date.now() - started;
    expect(results.slice(0, 10).map(codeOf)).toEqual(Array(10).fill("UNAUTHENTICATED"));
    expect(results.slice(10).map(codeOf)).toEqual(Array(90).fill("RATE_LIMITED"));
    for (const result of results.slice(10)) {
      const { retryAfter } = extensionsOf(result);
      expect(Number.isInteger(retryAfter) && (retryAfter as number) > 800 && (retryAfter as number) <= 900).toBe(true);
    }
    const right = await logInFrom(server, "127.0.0.1", victim.username, PASSWORD);
    expect(codeOf(right)).toBe("RATE_LIMITED");
    expect(right.data ?? null).toBeNull();
    // by email, the same account: the same count
    expect(codeOf(await logInFrom(server, "127.0.0.1", `${victim.username}@example.com`, PASSWORD))).toBe(
      "RATE_LIMITED",
    );
    console.log(`logIn: 100 wrong passwords answered in ${elapsed} ms`);
  });
});

describe("logIn throttling (loginFailures 2: 2 per account and address, 20 per address, 10 per account)", () => {
  // loginFailures 2: 2 per account and address, 20 per address, 10 per account from unknown addresses
  const limits = rateLimitConfig({
    messagesBurst: 50,
    messagesPerSecond: 5,
    invitationsPerMinute: 10,
    signUpsPerHour: 1000,
    loginFailures: 2,
  });
  let server: TestServer;
  beforeAll(async () => {
    server = await strictServer(limits);
  });
  afterAll(() => server.stop());

  it("a success clears that address's failures for the account", async () => {
    const user = await signUp(server);
    const wrong = () => logInFrom(server, "127.0.0.2", user.username, "wrong1pass");
    expect(codeOf(await wrong())).toBe("UNAUTHENTICATED");
    expect((await logInFrom(server, "127.0.0.2", user.username, PASSWORD)).data?.logIn.user.username).toBe(
      user.username,
    );
    expect(codeOf(await wrong())).toBe("UNAUTHENTICATED");
    expect(codeOf(await wrong())).toBe("UNAUTHENTICATED");
    expect(codeOf(await wrong())).toBe("RATE_LIMITED");
  });

  it("an attacker's failures do not lock the owner out of an address they logged in from", async () => {
    const owner = await signUp(server);
    expect((await logInFrom(server, "127.0.0.3", owner.username, PASSWORD)).errors).toBeUndefined();
    // 5 addresses × 2 failures: the account's 10 failures from unknown addresses
    for (let host = 10; host < 15; host++) {
      for (let i = 0; i < 2; i++) {
        expect(codeOf(await logInFrom(server, `127.0.0.${host}`, owner.username, "guess1word"))).toBe(
          "UNAUTHENTICATED",
        );
      }
    }
    // a sixth address is refused, even with the right password: the trade-off for new addresses
    const fresh = await logInFrom(server, "127.0.0.15", owner.username, PASSWORD);
    expect(codeOf(fresh)).toBe("RATE_LIMITED");
    expect(fresh.errors?.[0]?.message).toMatch(/this account/);
    // the owner's known address still logs in
    expect((await logInFrom(server, "127.0.0.3", owner.username, PASSWORD)).errors).toBeUndefined();
    // and so does another account from the attacker's address (it has 2 of its 20 failures)
    const other = await signUp(server);
    expect((await logInFrom(server, "127.0.0.10", other.username, PASSWORD)).errors).toBeUndefined();
  });

  it("one address trying many accounts is refused past 20 failures, unknown logins included", async () => {
    const results = [];
    for (let i = 0; i < 11; i++) {
      for (let j = 0; j < 2; j++)
        results.push(await logInFrom(server, "127.0.0.20", `nobody${i}_${randomBytes(2).toString("hex")}`, "x1234567"));
    }
    expect(results.slice(0, 20).map(codeOf)).toEqual(Array(20).fill("UNAUTHENTICATED"));
    expect(codeOf(results[20] ?? {})).toBe("RATE_LIMITED");
    expect(results[20]?.errors?.[0]?.message).toMatch(/from your address/);
    const user = await signUp(server);
    expect(codeOf(await logInFrom(server, "127.0.0.20", user.username, PASSWORD))).toBe("RATE_LIMITED");
    expect((await logInFrom(server, "127.0.0.21", user.username, PASSWORD)).errors).toBeUndefined();
  });
});

describe("signUp per client address", () => {
  const limits: RateLimitConfig = { ...GENEROUS_RATE_LIMITS, signUp: { points: 3, duration: 3600 } };
  const signUpFrom = (server: TestServer, address: string, headers: Record<string, string> = {}) => {
    const username = `s${randomBytes(5).toString("hex")}`;
    return gqlFrom(server, address, SIGN_UP, { u: username, e: `${username}@example.com` }, headers).then((result) => ({
      ...result,
      username,
    }));
  };

  it("refuses the fourth sign-up from one address with retryAfter, stores nothing, spares other addresses", async () => {
    const server = await strictServer(limits);
    for (let i = 0; i < 3; i++) expect((await signUpFrom(server, "127.0.0.30")).errors).toBeUndefined();
    const refused = await signUpFrom(server, "127.0.0.30");
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(extensionsOf(refused).retryAfter).toBeGreaterThan(3500);
    const someone = await signUp(server);
    expect(codeOf(await gql(server, USER, { u: refused.username }, someone))).toBe("NOT_FOUND");
    expect((await signUpFrom(server, "127.0.0.31")).errors).toBeUndefined();
    await server.stop();
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set", async () => {
    const server = await strictServer(limits);
    for (let i = 0; i < 3; i++) {
      expect((await signUpFrom(server, "127.0.0.32", { "x-forwarded-for": `10.0.0.${i}` })).errors).toBeUndefined();
    }
    expect(codeOf(await signUpFrom(server, "127.0.0.32", { "x-forwarded-for": "10.0.0.9" }))).toBe("RATE_LIMITED");
    await server.stop();
  });

  it("behind TRUST_PROXY=1 counts the address the proxy appended, never one the client wrote", async () => {
    const server = await strictServer(limits, { trustProxy: 1 });
    // every request comes from the proxy's address (127.0.0.33); the client forged the first entry
    const via = (client: string) => ({ "x-forwarded-for": `6.6.6.${randomBytes(1)[0]}, ${client}` });
    for (let i = 0; i < 3; i++)
      expect((await signUpFrom(server, "127.0.0.33", via("203.0.113.7"))).errors).toBeUndefined();
    expect(codeOf(await signUpFrom(server, "127.0.0.33", via("203.0.113.7")))).toBe("RATE_LIMITED");
    expect((await signUpFrom(server, "127.0.0.33", via("203.0.113.8"))).errors).toBeUndefined();
    await server.stop();
  });

  it("clientAddress: hops from the right, IPv4-mapped addresses, IPv6 per /64", () => {
    expect(clientAddress("127.0.0.1", "1.1.1.1", 0)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "9.9.9.9, 1.1.1.1", 1)).toBe("1.1.1.1");
    expect(clientAddress("127.0.0.1", "9.9.9.9, 1.1.1.1, 2.2.2.2", 2)).toBe("1.1.1.1");
    expect(clientAddress("127.0.0.1", undefined, 1)).toBe("127.0.0.1"); // not behind the proxy after all
    expect(clientAddress("::ffff:192.0.2.1", null, 0)).toBe("192.0.2.1");
    expect(clientAddress("2001:db8:1:2:3:4:5:6", null, 0)).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:DB8::1", null, 0)).toBe("2001:db8:0:0::/64");
    expect(clientAddress("2001:db8:1:2::9", null, 0)).toBe(clientAddress("2001:db8:1:2:ffff::1", null, 0));
    expect(clientAddress(undefined, null, 0)).toBe("unknown");
  });
});

describe("setTyping", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await strictServer({
      ...GENEROUS_RATE_LIMITS,
      typing: { points: 8, duration: 60 },
      typingEvent: { points: 1, duration: 1 },
    });
  });
  afterAll(() => server.stop());

  it("coalesces calls within a second into one TYPING event; the next second sends another", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    const chatId = await openChat(server, alice, bob.username);
    const client = wsClient(server, bob);
    const queue = new EventQueue(client, CHAT_EVENTS);
    await queue.ready();
    const calls = await Promise.all(Array.from({ length: 4 }, () => gql(server, TYPING, { c: chatId }, alice)));
    expect(calls.map((call) => call.data?.setTyping)).toEqual([true, true, true, true]);
    await gql(server, SEND, { c: chatId, t: "sentinel" }, alice);
    expect((await queue.next()).chatEvents.__typename).toBe("TypingEvent");
    expect((await queue.next()).chatEvents.message.content).toBe("sentinel"); // no second TypingEvent
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await gql(server, TYPING, { c: chatId }, alice)).data?.setTyping).toBe(true);
    expect((await queue.next()).chatEvents).toMatchObject({ __typename: "TypingEvent", chatId });
    // a refusal is never coalesced: a stranger is refused every time
    const stranger = await signUp(server);
    expect(codeOf(await gql(server, TYPING, { c: chatId }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, TYPING, { c: chatId }, stranger))).toBe("FORBIDDEN");
    queue.dispose();
    await client.dispose();
  });

  it("refuses a user over the limit with RATE_LIMITED and retryAfter, whatever the chat", async () => {
    const [alice, bob, carol] = [await signUp(server), await signUp(server), await signUp(server)];
    const chats = [await openChat(server, alice, bob.username), await openChat(server, alice, carol.username)];
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await gql(server, TYPING, { c: chats[i % 2] }, alice));
    expect(results.slice(0, 8).map((result) => result.errors)).toEqual(Array(8).fill(undefined));
    expect(results.slice(8).map(codeOf)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    expect(extensionsOf(results[8] ?? {}).retryAfter).toBeGreaterThan(0);
    expect((await gql(server, TYPING, { c: chats[0] }, bob)).errors).toBeUndefined();
  });
});

describe("friends", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await strictServer({ ...GENEROUS_RATE_LIMITS, friendship: { points: 45, duration: 60 } });
  });
  afterAll(() => server.stop());

  it("21 add/remove cycles send one NEW_FRIEND, stored once and pushed once", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    const client = wsClient(server, bob);
    const queue = new EventQueue(client, NOTIFICATION_EVENTS);
    expect((await queue.next()).notificationEvents.__typename).toBe("StreamReadyEvent");
    for (let i = 0; i < 21; i++) {
      expect((await gql(server, ADD_FRIEND, { u: bob.username }, alice)).errors).toBeUndefined();
      expect((await gql(server, REMOVE_FRIEND, { u: bob.username }, alice)).errors).toBeUndefined();
    }
    const carol = await signUp(server);
    await gql(server, ADD_FRIEND, { u: bob.username }, carol); // the sentinel
    expect((await queue.next()).notificationEvents.notification.actor.username).toBe(alice.username);
    expect((await queue.next()).notificationEvents.notification.actor.username).toBe(carol.username);
    const { notifications } = (await gql(server, NOTIFICATIONS, {}, bob)).data ?? {};
    expect(notifications.totalCount).toBe(2);
    queue.dispose();
    await client.dispose();
  });

  it("refuses friend changes past the limit with RATE_LIMITED", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    for (let i = 0; i < 22; i++) {
      expect((await gql(server, ADD_FRIEND, { u: bob.username }, alice)).errors).toBeUndefined();
      expect((await gql(server, REMOVE_FRIEND, { u: bob.username }, alice)).errors).toBeUndefined();
    }
    expect((await gql(server, ADD_FRIEND, { u: bob.username }, alice)).errors).toBeUndefined(); // the 45th
    const refused = await gql(server, REMOVE_FRIEND, { u: bob.username }, alice);
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(extensionsOf(refused).retryAfter).toBeGreaterThan(0);
  });

  it("a blocked user cannot add the blocker: FORBIDDEN, no friendship, no notification", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    expect((await gql(server, BLOCK, { u: alice.username }, bob)).errors).toBeUndefined();
    const refused = await gql(server, ADD_FRIEND, { u: bob.username }, alice);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    const me = await gql(server, "{ me { friends { totalCount } } }", {}, alice);
    expect(me.data?.me.friends.totalCount).toBe(0);
    expect((await gql(server, NOTIFICATIONS, {}, bob)).data?.notifications.totalCount).toBe(0);
  });
});

describe("tournaments", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await strictServer({ ...GENEROUS_RATE_LIMITS, createTournament: { points: 2, duration: 3600 } });
  });
  afterAll(() => server.stop());

  it("create/cancel cycles: creation is rate-limited per user, the refused one stores nothing", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    for (let i = 0; i < 2; i++) {
      const { data } = await gql(server, CREATE_TOURNAMENT, { n: `Cup ${i}` }, alice);
      expect((await gql(server, CANCEL_TOURNAMENT, { id: data?.createTournament.id }, alice)).errors).toBeUndefined();
    }
    const refused = await gql(server, CREATE_TOURNAMENT, { n: "Cup 3" }, alice);
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(extensionsOf(refused).retryAfter).toBeGreaterThan(3500);
    expect(await server.app.prisma.tournament.count({ where: { creatorId: alice.id } })).toBe(2);
    expect((await gql(server, CREATE_TOURNAMENT, { n: "Bob's cup" }, bob)).errors).toBeUndefined();
  });

  it("an announcement skips users who blocked the creator and users the creator blocked", async () => {
    const [creator, blocker, blocked, fan] = await clientOf(() => server).users(4);
    await gql(server, BLOCK, { u: creator.username }, blocker);
    await gql(server, BLOCK, { u: blocked.username }, creator);
    const { data } = await gql(server, CREATE_TOURNAMENT, { n: "Block cup" }, creator);
    await server.app.whenIdle();
    const announced = async (user: TestUser) => {
      const { data: mine } = await gql(server, NOTIFICATIONS, {}, user);
      const nodes: { tournamentId: string }[] = mine?.notifications.nodes ?? [];
      return nodes.filter((n) => n.tournamentId === data?.createTournament.id).length;
    };
    expect(await announced(fan)).toBe(1);
    expect(await announced(blocker)).toBe(0);
    expect(await announced(blocked)).toBe(0);
  });
});
