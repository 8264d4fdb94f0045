// Presence across instances on one PostgreSQL + Redis: crossing instances, crash safety, graceful stop,
// re-registration after a reap, and the cluster-wide job lock.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRESENCE_DEFAULTS } from "../src/domains/presence/presence.settings.ts";
import { createLogger } from "../src/infra/logger.ts";
import { createScheduler } from "../src/infra/scheduler.ts";
import {
  createTestDatabase,
  signUp,
  startServer,
  type TestDatabase,
  type TestServer,
  type TestUser,
} from "./harness.ts";
import {
  callCron,
  clearKeys,
  openSocket,
  PresenceWatcher,
  presenceOf,
  settled,
  testKeyPrefix,
} from "./presence.helpers.ts";

const CRON_SECRET = "cron-secret-shared-0123456789";
const prefix = testKeyPrefix();
const keys = {
  instances: `${prefix}presence:instances`,
  sockets: `${prefix}presence:sockets`,
  instance: (id: string) => `${prefix}presence:instance:${id}`,
};

let database: TestDatabase;
let one: TestServer;
let two: TestServer;
let redis: Redis;
let observer: TestUser;
let watcher: PresenceWatcher;

/** Another instance of the same cluster. */
const instance = (presence = PRESENCE_DEFAULTS) =>
  startServer({ database, config: { redisKeyPrefix: prefix, cronSecret: CRON_SECRET, presence } });

/** The id of the instance that holds one of `user`'s sockets. */
async function instanceHolding(user: TestUser): Promise<string> {
  const ids = await redis.zrange(keys.instances, 0, -1);
  const holders = [];
  for (const id of ids) if (await redis.hget(keys.instance(id), user.id)) holders.push(id);
  expect(holders).toHaveLength(1);
  return holders[0] as string;
}

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [await instance(), await instance()];
  redis = new Redis(process.env.REDIS_URL as string);
  observer = await signUp(two);
  watcher = await PresenceWatcher.start(two, observer);
});
afterAll(async () => {
  await watcher.close();
  await one.stop();
  await two.stop();
  await database.drop();
  await redis.quit();
  await clearKeys(prefix);
});

describe("presence across instances", () => {
  it("crosses instances: online while any instance holds one of the user's sockets", async () => {
    const [alice, carol] = [await signUp(one), await signUp(one)];
    const onOne = await openSocket(one, alice);
    expect(await watcher.next(alice)).toMatchObject({ status: "ONLINE", user: { id: alice.id } });
    expect((await presenceOf(two, observer, alice)).isOnline).toBe(true);

    const onTwo = await openSocket(two, alice);
    await onOne.close();
    await expect.poll(() => one.app.services.presence.localSockets(alice.id)).toBe(0);
    await settled(one, two);
    expect((await presenceOf(two, observer, alice)).isOnline).toBe(true);
    const marker = await openSocket(one, carol); // the next change seen is carol's: nothing about alice came first
    expect(await watcher.next(alice, carol)).toMatchObject({ status: "ONLINE", user: { id: carol.id } });

    await onTwo.close();
    expect(await watcher.next(alice, carol)).toMatchObject({ status: "OFFLINE", user: { id: alice.id } });
    await marker.close();
    expect(await watcher.next(alice, carol)).toMatchObject({ status: "OFFLINE", user: { id: carol.id } });
  });

  it("an instance killed without cleanup: its users go offline at the first sweep past its heartbeat deadline, not before", async () => {
    const victim = await instance({ ...PRESENCE_DEFAULTS, heartbeat: 1 }); // records expire 3 s after a heartbeat
    const [dave, erin, marker] = [await signUp(two), await signUp(two), await signUp(two)];
    await openSocket(victim, dave);
    expect(await watcher.next(dave, erin)).toMatchObject({ status: "ONLINE", user: { id: dave.id } });
    await openSocket(victim, erin);
    expect(await watcher.next(dave, erin)).toMatchObject({ status: "ONLINE", user: { id: erin.id } });
    const erinElsewhere = await openSocket(two, erin);
    const victimId = await instanceHolding(dave);
    expect(await redis.zcard(keys.instances)).toBe(3);

    await victim.app.kill(); // sockets drop, nothing is cleaned up, no more heartbeats
    const deadline = Number(await redis.zscore(keys.instances, victimId));
    expect(deadline - Date.now()).toBeGreaterThan(1000); // room for a sweep before it

    // Sweeps before the deadline change nothing (the victim might only be slow): one at once, one just before.
    expect(await two.app.services.presence.sweep()).toBe(0); // users it took offline
    await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() - 400));
    expect(await two.app.services.presence.sweep()).toBe(0);
    expect(Date.now()).toBeLessThan(deadline); // that sweep ran (and ended) before the deadline
    expect((await presenceOf(two, observer, dave)).isOnline).toBe(true);
    expect(await redis.zscore(keys.instances, victimId)).toBe(String(deadline));
    const markerSocket = await openSocket(two, marker); // the next change seen is the marker's: no OFFLINE came first
    expect(await watcher.next(dave, erin, marker)).toMatchObject({ status: "ONLINE", user: { id: marker.id } });

    // The first sweep past the deadline takes dave offline: one sweep, no polling.
    await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() + 20));
    expect(await callCron(two, `Bearer ${CRON_SECRET}`)).toMatchObject({ status: 200 }); // the cron endpoint sweeps
    expect((await presenceOf(two, observer, dave)).isOnline).toBe(false);
    expect(await watcher.next(dave, erin, marker)).toMatchObject({ status: "OFFLINE", user: { id: dave.id } });
    expect((await presenceOf(two, observer, erin)).isOnline).toBe(true); // her socket on `two` is still open
    expect(await redis.hget(keys.sockets, erin.id)).toBe("1");
    expect(await redis.zcard(keys.instances)).toBe(2);

    await erinElsewhere.close();
    expect(await watcher.next(dave, erin)).toMatchObject({ status: "OFFLINE", user: { id: erin.id } });
    await markerSocket.close();
    expect(await watcher.next(marker)).toMatchObject({ status: "OFFLINE" });
  });

  it("a graceful stop removes the instance's records at once: its users go offline without a sweep", async () => {
    const third = await instance();
    const frank = await signUp(two);
    await openSocket(third, frank);
    expect(await watcher.next(frank)).toMatchObject({ status: "ONLINE" });
    await third.stop();
    expect(await watcher.next(frank)).toMatchObject({ status: "OFFLINE" });
    expect(await redis.zcard(keys.instances)).toBe(2);
  });

  it("an instance whose records were reaped while it lived restores them at its next heartbeat", async () => {
    const gina = await signUp(one);
    const socket = await openSocket(one, gina);
    expect(await watcher.next(gina)).toMatchObject({ status: "ONLINE" });
    const oneId = await instanceHolding(gina);

    await redis.zadd(keys.instances, 0, oneId); // as if `one` had missed its heartbeats (a long pause)
    await two.app.services.presence.sweep();
    expect(await watcher.next(gina)).toMatchObject({ status: "OFFLINE" });

    await one.app.services.presence.heartbeat();
    expect(await watcher.next(gina)).toMatchObject({ status: "ONLINE" });
    expect(await redis.hget(keys.sockets, gina.id)).toBe("1");
    await socket.close();
    expect(await watcher.next(gina)).toMatchObject({ status: "OFFLINE" });
  });
});

describe("the scheduler", () => {
  it("runs a job once per cluster per interval, whatever the number of instances", async () => {
    const clients = [new Redis(process.env.REDIS_URL as string), new Redis(process.env.REDIS_URL as string)];
    const logger = createLogger("silent");
    const schedulers = clients.map((client) => createScheduler({ redis: client, logger, keyPrefix: prefix }));
    let runs = 0;
    const started = Date.now();
    for (const scheduler of schedulers) {
      scheduler.every(100, "count", async () => {
        runs++;
      });
    }
    await expect.poll(() => runs, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    const elapsed = Date.now() - started;
    await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    // The lock lives one interval: two instances without it would run about twice as often.
    expect(runs).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    await Promise.all(clients.map((client) => client.quit()));
  });
});
