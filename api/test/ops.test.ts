// /health, /ready and /metrics on a real app; request and operation ids in the JSON log lines.
import type { FormattedExecutionResult } from "graphql";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisCheck, runChecks } from "../src/http/readiness.ts";
import { createLogger, operationLogger, withLogger } from "../src/infra/logger.ts";
import {
  CHAT_EVENTS,
  clientOf,
  EventQueue,
  GENEROUS_RATE_LIMITS,
  gql,
  mode,
  openChat,
  SEND,
  startServer,
  type TestServer,
  wsClient,
} from "./harness.ts";

type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A pino destination into memory: every line the app logs, parsed. */
function logCapture() {
  const lines: LogLine[] = [];
  return { lines, logger: createLogger("debug", { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

const origin = (server: TestServer) => new URL(server.url).origin;
const get = (server: TestServer, path: string, headers: Record<string, string> = {}) =>
  fetch(`${origin(server)}${path}`, { headers });

/** One sample of a metric from the Prometheus text format (undefined when absent). */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

describe("health and readiness", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it("GET /health answers 200 while the process is up", async () => {
    const response = await get(server, "/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /ready checks the database, its migrations and, in shared mode, Redis", async () => {
    const response = await get(server, "/ready");
    expect(response.status).toBe(200);
    const checks = { database: "ok", migrations: "ok", ...(mode === "shared" ? { redis: "ok" } : {}) };
    expect(await response.json()).toEqual({ status: "ready", checks });
  });

  it("GET /ready answers 503 naming the failed check when a migration is not applied", async () => {
    const [last] = await server.app.prisma.$queryRaw<{ name: string; checksum: string }[]>`
      SELECT name, checksum FROM parley_migrations ORDER BY name DESC LIMIT 1`;
    if (!last) throw new Error("no migration applied");
    await server.app.prisma.$executeRaw`DELETE FROM parley_migrations WHERE name = ${last.name}`;
    try {
      const response = await get(server, "/ready");
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.status).toBe("unavailable");
      expect(body.checks.database).toBe("ok");
      expect(body.checks.migrations).toBe(`1 pending: ${last.name}`);
    } finally {
      await server.app.prisma.$executeRaw`
        INSERT INTO parley_migrations (name, checksum) VALUES (${last.name}, ${last.checksum})`;
    }
    expect((await get(server, "/ready")).status).toBe(200);
  });

  it("the Redis check fails, without waiting, when its connection is down", async () => {
    // A real client on a port where nothing listens: it keeps reconnecting, as one does while Redis restarts.
    const down = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, lazyConnect: true });
    down.on("error", () => {});
    void down.connect().catch(() => {});
    try {
      const started = performance.now();
      const outcome = await runChecks({ redis: redisCheck(down) }, createLogger("silent"));
      expect(outcome.redis).toMatch(/^connection (connecting|reconnecting|close|end)$/);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      down.disconnect();
    }
  });
});

describe("metrics", () => {
  let server: TestServer;
  let other: TestServer;
  const { users } = clientOf(() => server);
  beforeAll(async () => {
    [server, other] = await Promise.all([
      startServer({
        config: { rateLimits: { ...GENEROUS_RATE_LIMITS, sendMessage: { points: 3, duration: 60 } } },
      }),
      startServer({ config: { metricsToken: "scrape-me-0123456789" } }),
    ]);
  });
  afterAll(() => Promise.all([server.stop(), other.stop()]));

  it("counts sockets, subscriptions, messages, events, their delivery lag and refusals, per app", async () => {
    const [alice, bob] = await users(2);
    const chatId = await openChat(server, alice, bob.username);
    const client = wsClient(server, bob);
    const events = new EventQueue(client, CHAT_EVENTS);
    try {
      await events.ready();
      for (const text of ["one", "two", "three"]) {
        const sent = await gql(server, SEND, { c: chatId, t: text }, alice);
        expect(sent.errors).toBeUndefined();
        expect((await events.next()).chatEvents.message.content).toBe(text);
      }
      const refused = await gql(server, SEND, { c: chatId, t: "four" }, alice);
      expect(refused.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");

      const response = await get(server, "/metrics");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      expect(sample(text, "parley_open_sockets")).toBe(1);
      expect(sample(text, "parley_live_subscriptions")).toBe(2); // bob's, and the instance's ended-sessions stream
      expect(sample(text, "parley_messages_stored_total")).toBe(3);
      expect(sample(text, "parley_writer_batch_size_count")).toBeGreaterThanOrEqual(1);
      expect(sample(text, "parley_writer_queue_depth")).toBe(0);
      for (const name of ["pending", "failed", "dropped"]) expect(sample(text, `parley_publishes_${name}`)).toBe(0);
      // one MESSAGE_SENT per participant inbox; bob's subscription is the only one in this process
      expect(sample(text, "parley_events_published_total", 'kind="MESSAGE_SENT"')).toBe(6);
      expect(sample(text, "parley_events_delivered_total", 'kind="MESSAGE_SENT"')).toBe(3);
      expect(sample(text, "parley_event_delivery_lag_seconds_count")).toBe(3);
      expect(sample(text, "parley_rate_limit_refusals_total", 'limit="sendMessage"')).toBe(1);
      expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
      if (mode === "shared") {
        expect(sample(text, "parley_db_pool_connections", 'state="total"')).toBeGreaterThanOrEqual(1);
        expect(sample(text, "parley_redis_errors_total")).toBeUndefined(); // no error yet, so no series
      }

      // The other app in this process has a registry of its own.
      const otherText = await (await get(other, "/metrics", { authorization: "Bearer scrape-me-0123456789" })).text();
      expect(sample(otherText, "parley_messages_stored_total")).toBe(0);
      expect(sample(otherText, "parley_open_sockets")).toBe(0);
    } finally {
      events.dispose();
      await client.dispose();
    }
  });

  it("with METRICS_TOKEN set, /metrics needs it as a bearer token", async () => {
    expect((await get(other, "/metrics")).status).toBe(401);
    expect((await get(other, "/metrics", { authorization: "Bearer wrong" })).status).toBe(401);
    const response = await get(other, "/metrics", { authorization: "Bearer scrape-me-0123456789" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("parley_open_sockets");
  });
});

describe("structured logs", () => {
  let server: TestServer;
  const capture = logCapture();
  const { users } = clientOf(() => server);
  beforeAll(async () => {
    server = await startServer({ logger: capture.logger });
  });
  afterAll(() => server.stop());

  /** Makes the chats table vanish for the duration of `work`: every chat query then fails unexpectedly. */
  async function withoutChatsTable<T>(work: () => Promise<T>): Promise<T> {
    await server.app.prisma.$executeRawUnsafe("ALTER TABLE chats RENAME TO chats_hidden");
    try {
      return await work();
    } finally {
      await server.app.prisma.$executeRawUnsafe("ALTER TABLE chats_hidden RENAME TO chats");
    }
  }
  const CHATS = "{ chats { totalCount } }";
  const linesWith = (key: string, value: unknown) => capture.lines.filter((line) => line[key] === value);

  it("start-up logs no Redis error (the subscriber's handshake once raced its ready check)", () => {
    expect(capture.lines.filter((line) => line.msg === "redis connection error")).toEqual([]);
  });

  it("every line of a failing HTTP request carries its x-request-id, echoed in the response", async () => {
    const [alice] = await users(1);
    const [failed, other] = await withoutChatsTable(() =>
      Promise.all(
        ["ops-test-1", "ops-test-2"].map((id) =>
          fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}`, "x-request-id": id },
            body: JSON.stringify({ query: CHATS }),
          }),
        ),
      ),
    );
    if (!failed || !other) throw new Error("two responses expected");
    expect(failed.headers.get("x-request-id")).toBe("ops-test-1");
    const body = await failed.json();
    expect(body.errors[0].message).toBe("Unexpected error.");

    const lines = linesWith("requestId", "ops-test-1");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // the masked error, logged with the cause the client does not see
    const error = lines.find((line) => line.level === 50);
    expect(JSON.stringify(error)).toMatch(/chats/);
    // the other request's lines carry its own id, never this one's
    expect(linesWith("requestId", "ops-test-2").length).toBeGreaterThanOrEqual(2);
    expect(lines.every((line) => line.requestId === "ops-test-1")).toBe(true);
  });

  it("an x-request-id that is not sane is replaced by a generated one", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "no spaces or\ttabs, please" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const long = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "x".repeat(129) },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(long.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("inside an operation, lines of the root logger (domain services) carry its ids too, once", () => {
    const raw: string[] = [];
    const root = createLogger("info", { write: (line: string) => void raw.push(line) });
    const child = operationLogger(root, { requestId: "op-1" });
    withLogger(child, () => {
      root.info("from a service");
      child.info("from the context");
    });
    root.info("outside");
    expect(raw.map((line) => JSON.parse(line).requestId)).toEqual(["op-1", "op-1", undefined]);
    expect(raw.every((line) => line.split('"requestId"').length <= 2)).toBe(true);
  });

  it("a failing graphql-ws operation logs with its socket id and operation id", async () => {
    const [alice] = await users(1);
    const client = wsClient(server, alice);
    try {
      const result = await withoutChatsTable(
        () =>
          new Promise<FormattedExecutionResult>((resolve, reject) => {
            client.subscribe({ query: CHATS }, { next: resolve, error: reject, complete: () => {} });
          }),
      );
      expect(result.errors?.[0]?.message).toBe("Unexpected error.");
      const error = capture.lines.find(
        (line) => line.level === 50 && typeof line.socketId === "string" && JSON.stringify(line).includes("chats"),
      );
      expect(error?.operationId).toEqual(expect.any(String));
      expect(error?.socketId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await client.dispose();
    }
  });
});
