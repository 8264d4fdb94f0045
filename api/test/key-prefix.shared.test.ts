// Two deployments on one Redis, told apart by REDIS_KEY_PREFIX: neither hears the other's events.
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signUp, startServer, type TestServer } from "./harness.ts";
import { clearKeys, openSocket, PresenceWatcher, testKeyPrefix } from "./presence.helpers.ts";

const prefixes = [testKeyPrefix(), testKeyPrefix()] as const;
let red: TestServer;
let blue: TestServer;
let redis: Redis;

beforeAll(async () => {
  red = await startServer({ config: { redisKeyPrefix: prefixes[0] } });
  blue = await startServer({ config: { redisKeyPrefix: prefixes[1] } });
  redis = new Redis(process.env.REDIS_URL ?? "");
});
afterAll(async () => {
  await red?.stop();
  await blue?.stop();
  await redis?.quit();
  for (const prefix of prefixes) await clearKeys(prefix);
});

it("one deployment's presence never reaches the other's subscribers", async () => {
  const [redWatcher, alice] = [await signUp(red), await signUp(red)];
  const [blueWatcher, bob] = [await signUp(blue), await signUp(blue)];
  const onRed = await PresenceWatcher.start(red, redWatcher);
  const onBlue = await PresenceWatcher.start(blue, blueWatcher);
  // Each deployment subscribes under its own prefix only.
  expect(await redis.pubsub("CHANNELS", `${prefixes[0]}presence`)).toEqual([`${prefixes[0]}presence`]);
  expect(await redis.pubsub("CHANNELS", `${prefixes[1]}presence`)).toEqual([`${prefixes[1]}presence`]);

  const aliceSocket = await openSocket(red, alice);
  expect(await onRed.next(alice)).toMatchObject({ status: "ONLINE", user: { id: alice.id } });
  const bobSocket = await openSocket(blue, bob); // blue's next change is bob's: nothing about alice came first
  expect(await onBlue.next(alice, bob)).toMatchObject({ status: "ONLINE", user: { id: bob.id } });

  await aliceSocket.close();
  await bobSocket.close();
  await onRed.close();
  await onBlue.close();
});
