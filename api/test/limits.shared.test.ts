// Two app instances on one PostgreSQL and one Redis: a user's rate limit is one count, whichever instance they use.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRateLimits, type RateLimitConfig } from "../src/infra/rate-limit.ts";
import {
  codeOf,
  createTestDatabase,
  GENEROUS_RATE_LIMITS,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestDatabase,
  type TestServer,
} from "./harness.ts";

// A window far longer than the test: the count can only come from the two instances adding up.
const STRICT: RateLimitConfig = {
  ...GENEROUS_RATE_LIMITS,
  sendMessage: { points: 3, duration: 60 },
  loginAccountAddress: { points: 2, duration: 60 },
};

let database: TestDatabase;
let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [
    await startServer({ database, config: { rateLimits: STRICT } }),
    await startServer({ database, config: { rateLimits: STRICT } }),
  ];
});
afterAll(async () => {
  await one.stop();
  await two.stop();
  await database.drop();
});

it("sendMessage: messages sent through either instance count against one limit", async () => {
  const alice = await signUp(one);
  const bob = await signUp(two);
  const chatId = await openChat(one, alice, bob.username);
  for (const [server, content] of [
    [one, "one"],
    [two, "two"],
    [one, "three"],
  ] as const) {
    expect((await gql(server, SEND, { c: chatId, t: content }, alice)).errors).toBeUndefined();
  }
  // Each instance alone has seen fewer than 3; together they have seen 3.
  for (const server of [two, one]) {
    const refused = await gql(server, SEND, { c: chatId, t: "four" }, alice);
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    const { retryAfter } = (refused.errors?.[0]?.extensions ?? {}) as { retryAfter?: number };
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }
  // Bob's count is his own.
  expect((await gql(two, SEND, { c: chatId, t: "hi alice" }, bob)).errors).toBeUndefined();
  const history = await gql(one, `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`, { c: chatId }, bob);
  expect(history.data?.chat.messages.totalCount).toBe(4);
});

it("logIn: failures through either instance count against one limit", async () => {
  const user = await signUp(one);
  const logIn = (server: TestServer, password: string) =>
    gql(server, "mutation($l: String!, $p: String!) { logIn(login: $l, password: $p) { accessToken } }", {
      l: user.username,
      p: password,
    });
  expect(codeOf(await logIn(one, "wrong1pass"))).toBe("UNAUTHENTICATED");
  expect(codeOf(await logIn(two, "wrong2pass"))).toBe("UNAUTHENTICATED");
  // each instance alone has seen one failure
  expect(codeOf(await logIn(one, "correct1horse"))).toBe("RATE_LIMITED");
  expect(codeOf(await logIn(two, "correct1horse"))).toBe("RATE_LIMITED");
});

it("invitations: two limiters on two Redis connections share one count", async () => {
  const connections = [new Redis(process.env.REDIS_URL as string), new Redis(process.env.REDIS_URL as string)];
  await Promise.all(connections.map((redis) => new Promise((resolve) => redis.once("ready", resolve))));
  const config: RateLimitConfig = { ...GENEROUS_RATE_LIMITS, invitation: { points: 10, duration: 60 } };
  const [first, second] = connections.map((redis) => createRateLimits(redis, config));
  const user = randomUUID();
  for (let i = 0; i < 10; i++) await (i % 2 ? first : second)?.consume("invitation", user);
  for (const limits of [first, second]) {
    await expect(limits?.consume("invitation", user)).rejects.toMatchObject({
      extensions: { code: "RATE_LIMITED" },
    });
  }
  await Promise.all(connections.map((redis) => redis.quit()));
});
