// Test harness: real app instances on port 0, real HTTP and graphql-ws clients, fresh databases.
import { randomBytes } from "node:crypto";
import { type Client, createClient } from "graphql-ws";
import { decodeJwt } from "jose";
import pg from "pg";
import { expect } from "vitest";
import WebSocket from "ws";
import { type App, createApp } from "../src/app.ts";
import { type Config, DEFAULT_GROUP_MAX_MEMBERS } from "../src/config.ts";
import { PRESENCE_DEFAULTS } from "../src/domains/presence/presence.settings.ts";
import { DEFAULT_GRAPHQL_LIMITS } from "../src/graphql/armor.ts";
import { DEFAULT_TRANSPORT_LIMITS } from "../src/graphql/transport-limits.ts";
import type { Logger } from "../src/infra/logger.ts";
import { LIMIT_NAMES, type RateLimitConfig } from "../src/infra/rate-limit.ts";

export const mode = process.env.PARLEY_TEST_MODE === "shared" ? "shared" : "embedded";

/** Shared mode needs both services; on CI their absence is a failure, never a skip. */
function sharedUrls(): { databaseUrl: string; redisUrl: string } {
  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;
  if (!databaseUrl || !redisUrl) {
    throw new Error("The shared-mode suite needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis) to be set");
  }
  return { databaseUrl, redisUrl };
}

export interface TestDatabase {
  /** undefined: each app gets its own in-memory PGlite */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, uniquely named PostgreSQL database in shared mode; nothing in embedded mode. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (mode === "embedded") return { url: undefined, drop: async () => {} };
  const adminUrl = sharedUrls().databaseUrl;
  const name = `parley_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestServer {
  app: App;
  config: Config;
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export const JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

/**
 * Tests flood on purpose (200 concurrent sends, hundreds of sign-ups from 127.0.0.1); test/limits*.test.ts pass
 * strict limits explicitly. Coalescing windows (typingEvent) are off too: each setTyping sends its event.
 */
export const GENEROUS_RATE_LIMITS = Object.fromEntries(
  LIMIT_NAMES.map((name) => [name, { points: 1_000_000, duration: 1 }]),
) as RateLimitConfig;

/** Starts an app on a free port. Pass `database` to let several instances share one PostgreSQL. */
export async function startServer(
  options: { database?: TestDatabase; config?: Partial<Config>; logger?: Logger; queryEvents?: boolean } = {},
): Promise<TestServer> {
  const ownDatabase = options.database ? undefined : await createTestDatabase();
  const database = options.database ?? (ownDatabase as TestDatabase);
  const config: Config = {
    port: 0,
    host: "127.0.0.1",
    databaseUrl: database.url,
    redisUrl: mode === "shared" ? sharedUrls().redisUrl : undefined,
    embeddedDbDir: "memory://",
    jwtSecret: JWT_SECRET,
    accessTokenTtl: 900,
    refreshTokenTtl: 3600,
    cookieSecure: false,
    invitationTtl: 300,
    groupMaxMembers: DEFAULT_GROUP_MAX_MEMBERS,
    logLevel: (process.env.TEST_LOG_LEVEL ?? "silent") as Config["logLevel"],
    rateLimits: GENEROUS_RATE_LIMITS,
    graphqlLimits: DEFAULT_GRAPHQL_LIMITS,
    presence: PRESENCE_DEFAULTS,
    cronSecret: undefined,
    redisKeyPrefix: "parley:",
    allowedOrigins: [],
    transportLimits: DEFAULT_TRANSPORT_LIMITS,
    trustProxy: 0,
    ...options.config,
  };
  const app = await createApp(config, { logger: options.logger, queryEvents: options.queryEvents });
  const port = await app.start();
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    async stop() {
      await app.stop();
      await ownDatabase?.drop();
    },
  };
}

export interface GqlResult<T = Record<string, any>> {
  data: T | null | undefined;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  response: Response;
}

export async function gql<T = Record<string, any>>(
  server: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  auth: { token?: string; cookie?: string } = {},
): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  const response = await fetch(server.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as Omit<GqlResult<T>, "response">;
  return { ...body, response };
}

/** The error code of the first error, for compact assertions. */
export const codeOf = (result: GqlResult) => result.errors?.[0]?.extensions?.code;

export interface TestUser {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

/** The session (`sid`) of a user's access token: to sign other tokens of that session in tests. */
export const sessionIdOf = (user: { token: string }) => String(decodeJwt(user.token).sid);

let counter = 0;
export async function signUp(server: { url: string }, username = `user${++counter}_${randomBytes(3).toString("hex")}`) {
  const result = await gql(
    server,
    `mutation($u: String!, $e: String!) {
      signUp(username: $u, email: $e, password: "correct1horse") { accessToken refreshToken user { id username } }
    }`,
    { u: username, e: `${username}@example.com` },
  );
  if (!result.data) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.signUp;
  return { id: user.id, username: user.username, token: accessToken, refreshToken } as TestUser;
}

export async function openChat(server: { url: string }, user: TestUser, peer: string): Promise<string> {
  const result = await gql(
    server,
    `mutation($p: String!) { openChat(username: $p) { chat { id } } }`,
    { p: peer },
    user,
  );
  return result.data?.openChat.chat.id;
}

export const SEND = `mutation($c: ID!, $t: String!, $ts: String) {
  sendMessage(chatId: $c, content: $t, clientTimestamp: $ts) { id cursor content clientTimestamp }
}`;

export function wsClient(server: { wsUrl: string }, user?: { token: string }): Client {
  return createClient(wsOptions(server, user));
}

/** A test graphql-ws client's options: no retries, lazy (connects with its first operation). */
export const wsOptions = (server: { wsUrl: string }, user?: { token: string }) => ({
  url: server.wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: user ? { authorization: `Bearer ${user.token}` } : undefined,
  retryAttempts: 0,
  lazy: true,
});

/** Collects a subscription's results in order; `next()` waits (bounded) for the next one. */
export class EventQueue<T = any> {
  private readonly items: T[] = [];
  private waiter: (() => void) | undefined;
  private failure: unknown;
  readonly dispose: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          this.items.push((value.data ?? value) as T);
          this.waiter?.();
        },
        error: (error) => {
          this.failure = error;
          this.waiter?.();
        },
        complete: () => {},
      },
    );
  }

  async next(timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length === 0) {
      if (this.failure) throw this.failure instanceof Error ? this.failure : new Error(JSON.stringify(this.failure));
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a subscription event");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.items.shift() as T;
  }

  /** Waits for the StreamReadyEvent: from then on nothing published is missed. */
  async ready(): Promise<void> {
    const first = (await this.next()) as { chatEvents?: { __typename: string } };
    if (first.chatEvents?.__typename !== "StreamReadyEvent") {
      throw new Error(`expected StreamReadyEvent first, got ${JSON.stringify(first)}`);
    }
  }
}

export const CHAT_EVENTS = `subscription {
  chatEvents {
    __typename
    ... on MessageSentEvent { chatId message { id cursor content clientTimestamp sender { username } } }
    ... on MessageLikedEvent { chatId messageId liked byUserId }
    ... on MessageReadEvent { chatId messageId byUserId }
    ... on TypingEvent { chatId user { username } }
  }
}`;

type Tuple<N extends number, T, R extends T[] = []> = R["length"] extends N ? R : Tuple<N, T, [...R, T]>;

/** Assertion helpers bound to a server (a getter: test files start theirs in beforeAll). */
export function clientOf(server: () => { url: string }) {
  return {
    /** `count` freshly signed-up users. */
    users: <N extends number>(count: N) =>
      Promise.all(Array.from({ length: count }, () => signUp(server()))) as Promise<Tuple<N, TestUser>>,

    /** Runs an operation as `user` and expects it to succeed. */
    async as<T = Record<string, any>>(user: TestUser, query: string, variables: Record<string, unknown> = {}) {
      const result = await gql<T>(server(), query, variables, user);
      expect(result.errors).toBeUndefined();
      return result.data as T;
    },

    /** Runs an operation as `user` (or anonymously) and expects it to fail with `code` and no data. */
    async refused(user: TestUser | null, query: string, variables: Record<string, unknown>, code: string) {
      const result = await gql(server(), query, variables, user ?? {});
      expect(result.data ?? null).toBeNull();
      expect(codeOf(result)).toBe(code);
      return result.errors?.[0];
    },
  };
}
