// Redis (our own redis-server child) killed and restarted while two real instances serve a chat: sends keep
// answering, live delivery resumes without restarting either instance, and catch-up fills the gap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, gql, openChat, SEND, signUp, type TestDatabase, type TestUser } from "../harness.ts";
import { testKeyPrefix } from "../presence.helpers.ts";
import { ChatClient } from "./chat-client.ts";
import { type ChildInstance, spawnInstance } from "./instance.ts";
import { hasRedisServer, type OwnRedis, startOwnRedis } from "./redis-server.ts";

const OUTAGE_MS = 3000;
/** A send must answer within this while Redis is down: it is stored in PostgreSQL, publishing must not block it. */
const SEND_BOUND_MS = 1500;

const available = hasRedisServer();
if (!available && process.env.CI === "true") throw new Error("redis-server is not installed: the fault test needs it");

describe.skipIf(!available)("Redis restart", () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  let sending: ChildInstance;
  let receiving: ChildInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startOwnRedis();
    const env = { DATABASE_URL: database.url as string, REDIS_URL: redis.url, REDIS_KEY_PREFIX: testKeyPrefix() };
    [sending, receiving] = await Promise.all([spawnInstance(env), spawnInstance(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sending?.stop(), receiving?.stop()]);
    await redis?.stop();
    await database?.drop();
  }, 30_000);

  /** A send and how long it took to answer; if it hangs, the test reads it after the outage. */
  async function timedSend(sender: TestUser, chatId: string, content: string) {
    const started = Date.now();
    const result = await gql(sending, SEND, { c: chatId, t: content }, sender);
    return { content, ok: !result.errors, code: result.errors?.[0]?.extensions?.code, ms: Date.now() - started };
  }

  it("sends answer during the outage; delivery resumes without a server restart; catch-up fills the gap", async () => {
    const [alice, bob] = [await signUp(sending), await signUp(sending)];
    const chatId = await openChat(sending, alice, bob.username);
    const start = await gql(sending, SEND, { c: chatId, t: "start" }, alice);
    const startCursor = Number(start.data?.sendMessage.cursor);
    const client = new ChatClient(bob, chatId, String(startCursor));
    let dropped = false;
    await client.connect(receiving, () => {
      dropped = true;
    });
    expect(await timedSend(alice, chatId, "before")).toMatchObject({ ok: true });
    await expect.poll(() => client.applied.length, { timeout: 5000 }).toBe(1);

    await redis.kill();
    // One send every 300 ms, not awaited in turn: on main they hang until Redis is back.
    const outage: ReturnType<typeof timedSend>[] = [];
    for (let i = 0; i * 300 < OUTAGE_MS; i++) {
      outage.push(timedSend(alice, chatId, `during ${i}`));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await redis.start();
    const during = await Promise.all(outage);

    // Live delivery comes back on the same socket: send until one arrives live (bounded).
    const liveBefore = client.liveReceived;
    let after = 0;
    await expect
      .poll(
        async () => {
          expect(await timedSend(alice, chatId, `after ${after++}`)).toMatchObject({ ok: true });
          return client.liveReceived > liveBefore;
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true);
    await client.idle();

    // Neither instance restarted, and the client's socket stayed open.
    expect([sending.exitCode(), receiving.exitCode()]).toEqual([null, null]);
    expect(dropped).toBe(false);
    const count = `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`;
    const stored: number = (await gql(sending, count, { c: chatId }, bob)).data?.chat.messages.totalCount;
    // Catch-up filled what the live stream lost: the client holds every stored message after "start", once.
    await expect.poll(() => client.lastCursor, { timeout: 5000 }).toBe(startCursor + stored - 1);
    expect(client.applied).toHaveLength(stored - 1);
    expect(new Set(client.applied.map((message) => message.id)).size).toBe(stored - 1);
    expect(client.duplicatesOnAStream).toBe(0);
    expect(client.gaps).toBe(0);
    expect(stored).toBe(1 + 1 + during.filter((send) => send.ok).length + after); // start, before, …

    // Waits on branch `writer` (publish off the response path, ioredis fail-fast): every send during the
    // outage was stored and answered within the bound; none hung until Redis was back.
    expect(during.filter((send) => !send.ok || send.ms > SEND_BOUND_MS)).toEqual([]);
    await client.close();
  }, 60_000);
});
