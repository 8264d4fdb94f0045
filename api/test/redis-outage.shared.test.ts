// A Redis outage, on a redis-server this test owns (killed with SIGKILL, then started again on the same port):
// sendMessage stores and answers fast while Redis is gone, presence reads fail fast with UNAVAILABLE, and the
// live subscription that was open before the outage delivers again after it, without restarting the app.
// Catch-up by cursor fills what pub/sub lost meanwhile.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../src/realtime/topics.ts";
import {
  CHAT_EVENTS,
  clientOf,
  EventQueue,
  gql,
  openChat,
  SEND,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

function redisServerBinary(): string | undefined {
  try {
    return execFileSync("which", ["redis-server"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const binary = redisServerBinary();
if (!binary && process.env.CI === "true") {
  throw new Error("redis-server is not installed: the Redis outage test cannot run (CI must install it)");
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Our own redis-server: nothing on disk, so a restart starts empty, like a crashed cache. */
class OwnRedis {
  private process: ChildProcess | undefined;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    this.process = spawn(binary as string, args, { stdio: "ignore" });
    const probe = new Redis({ port: this.port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null });
    probe.on("error", () => {}); // refused until the server listens
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`redis-server on port ${this.port} did not start within 5 s`);
  }

  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return; // already gone
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}

const CURSOR_AFTER = `query($c: ID!, $after: String) {
  chat(id: $c) { messages(first: 100, after: $after) { nodes { content cursor } } }
}`;

describe.skipIf(!binary)("Redis outage", () => {
  let redis: OwnRedis;
  let server: TestServer;
  const client = clientOf(() => server);
  const prefix = `outage-${randomBytes(4).toString("hex")}:`;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    server = await startServer({
      config: {
        redisUrl: `redis://127.0.0.1:${redis.port}`,
        redisKeyPrefix: prefix,
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.kill();
  });

  it("sendMessage answers fast during the outage and delivery resumes after it", async () => {
    const [alice, bob] = await client.users(2);
    const chatId = await openChat(server, alice, bob.username);
    const events = new EventQueue(wsClient(server, bob), CHAT_EVENTS);
    await events.ready();
    const before = await client.as(alice, SEND, { c: chatId, t: "before" });
    expect((await events.next()).chatEvents.message.content).toBe("before");

    const leaving = new EventQueue(wsClient(server, alice), CHAT_EVENTS);
    await leaving.ready();
    await redis.kill();
    // a subscription that ends while Redis is gone (its UNSUBSCRIBE cannot be sent) must not hurt the process
    leaving.dispose();

    const failedBefore = server.app.bus.publishStats().failed;
    const during: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const sent = await gql(server, SEND, { c: chatId, t: `during ${i}` }, alice);
      const ms = performance.now() - started;
      expect(sent.errors).toBeUndefined();
      expect(ms).toBeLessThan(1000); // was 10-15 s: the publish waited in ioredis's offline queue
      during.push(sent.data?.sendMessage.content);
    }

    // each send published to both inboxes; every publish failed at once and was counted
    await expect.poll(() => server.app.bus.publishStats().failed - failedBefore).toBeGreaterThanOrEqual(10);
    expect(server.app.bus.publishStats().pending).toBe(0);

    const signUpStarted = performance.now();
    const [dave] = await client.users(1);
    expect(performance.now() - signUpStarted).toBeLessThan(2000);
    expect(dave.token).toBeTruthy();

    const presence = performance.now();
    const online = await gql(server, `{ onlineUsers { totalCount } }`, {}, alice);
    expect(performance.now() - presence).toBeLessThan(3000);
    expect(online.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    const status = await gql(
      server,
      `query($u: String!) { user(username: $u) { isOnline } }`,
      { u: bob.username },
      alice,
    );
    expect(status.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");

    await redis.start();
    // The open subscription resubscribes by itself: keep sending until one arrives (bounded: 15 s).
    let delivered: string | undefined;
    for (let attempt = 0; attempt < 30 && !delivered; attempt++) {
      await client.as(alice, SEND, { c: chatId, t: `after ${attempt}` });
      delivered = await events
        .next(500)
        .then((event) => event.chatEvents.message.content as string)
        .catch(() => undefined);
    }
    expect(delivered).toMatch(/^after \d+$/);
    // nothing sent during the outage was pushed (pub/sub is at-most-once); catch-up has all of it, in order
    const caughtUp = await client.as(bob, CURSOR_AFTER, { c: chatId, after: before.sendMessage.cursor });
    const contents = caughtUp.chat.messages.nodes.map((node: { content: string }) => node.content);
    expect(contents.slice(0, 5)).toEqual(during);
    expect(contents).toContain(delivered);
    const cursors = caughtUp.chat.messages.nodes.map((node: { cursor: string }) => Number(node.cursor));
    expect(cursors).toEqual(cursors.map((_: number, i: number) => Number(before.sendMessage.cursor) + 1 + i));

    // the subscription that ended during the outage left no channel behind once Redis came back
    const probe = new Redis({ port: redis.port, host: "127.0.0.1" });
    const subscribers = async (userId: string) =>
      Number(((await probe.call("PUBSUB", "NUMSUB", `${prefix}${topics.inbox(userId)}`)) as [string, number])[1]);
    await expect.poll(() => subscribers(alice.id)).toBe(0);
    expect(await subscribers(bob.id)).toBe(1);
    probe.disconnect();

    const recovered = await gql(server, `{ onlineUsers { totalCount } }`, {}, alice);
    expect(recovered.errors).toBeUndefined();
    events.dispose();
  });

  it("a new subscription during the outage fails fast with UNAVAILABLE, and works once Redis is back", async () => {
    const [carol] = (await client.users(1)) as [TestUser];
    await redis.kill();
    const started = performance.now();
    const refused = new EventQueue(wsClient(server, carol), CHAT_EVENTS);
    const failure = await refused.next().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('"code":"UNAVAILABLE"');
    refused.dispose();
    await redis.start();
    let ready = false;
    for (let attempt = 0; attempt < 30 && !ready; attempt++) {
      const queue = new EventQueue(wsClient(server, carol), CHAT_EVENTS);
      ready = await queue.ready().then(
        () => true,
        () => false,
      );
      queue.dispose();
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ready).toBe(true);
  });
});
