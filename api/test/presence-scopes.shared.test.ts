// Scoped presence across two instances on one PostgreSQL + Redis: a watched user's change on one instance reaches
// a FRIENDS or USERS stream on the other, a follow made through one instance changes a stream open on the other,
// and only the instance watching a user subscribes to that user's channel.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientOf,
  createTestDatabase,
  startServer,
  type TestDatabase,
  type TestServer,
  type TestUser,
} from "./harness.ts";
import { clearKeys, openSocket, PresenceWatcher, settled, testKeyPrefix } from "./presence.helpers.ts";

const prefix = testKeyPrefix();
let database: TestDatabase;
let one: TestServer;
let two: TestServer;
let redis: Redis;
const { users, as } = clientOf(() => one);

beforeAll(async () => {
  database = await createTestDatabase();
  one = await startServer({ database, config: { redisKeyPrefix: prefix } });
  two = await startServer({ database, config: { redisKeyPrefix: prefix } });
  redis = new Redis(process.env.REDIS_URL as string);
});
afterAll(async () => {
  await one.stop();
  await two.stop();
  await database.drop();
  await redis.quit();
  await clearKeys(prefix);
});

const ADD_FRIEND = `mutation($u: String!) { addFriend(username: $u) { id } }`;

/** Redis connections subscribed to `user`'s own presence channel. */
async function listenersOf(user: TestUser): Promise<number> {
  const [, count] = (await redis.pubsub("NUMSUB", `${prefix}presence:${user.id}`)) as [string, number];
  return count;
}

describe("scoped presence across instances", () => {
  it("a friend's change on one instance reaches a FRIENDS stream on the other, and no other instance listens", async () => {
    const [viewer, friend] = await users(2);
    await as(viewer, ADD_FRIEND, { u: friend.username });
    const watcher = await PresenceWatcher.start(two, viewer, { scope: "FRIENDS" });
    expect(await listenersOf(friend)).toBe(1); // two's subscriber connection; one has no stream watching them

    const socket = await openSocket(one, friend);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: friend.id, isOnline: true } });
    await settled(one);
    await socket.close();
    expect(await watcher.nextChange()).toMatchObject({ status: "OFFLINE", user: { id: friend.id } });

    await watcher.close();
    await expect.poll(() => listenersOf(friend)).toBe(0);
  });

  it("a follow made through one instance changes a stream open on the other, without reconnecting", async () => {
    const [viewer, late] = await users(2);
    const watcher = await PresenceWatcher.start(two, viewer, { scope: "FRIENDS" });
    await as(viewer, ADD_FRIEND, { u: late.username }); // served by instance one
    await expect.poll(() => listenersOf(late)).toBe(1);

    const socket = await openSocket(one, late);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: late.id } });
    await socket.close();
    await watcher.close();
  });

  it("a watch list on one instance hears users connecting to the other", async () => {
    const [viewer, watched, stranger] = await users(3);
    const watcher = await PresenceWatcher.start(one, viewer, { scope: "USERS", usernames: [watched.username] });
    const strangerSocket = await openSocket(two, stranger);
    await settled(two);
    const socket = await openSocket(two, watched);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: watched.id } });
    await Promise.all([socket.close(), strangerSocket.close()]);
    await watcher.close();
  });
});
