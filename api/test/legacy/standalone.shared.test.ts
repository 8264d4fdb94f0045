// The standalone bridge (bridge/src/standalone.ts, as `npm start -w @parley/bridge` runs it, here in the test
// process on its own HTTP server) in front of two api instances on one PostgreSQL + Redis.
import { createStandaloneBridge } from "@parley/bridge/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOriginPolicy } from "../../src/infra/origin-policy.ts";
import { type ChildInstance, spawnInstance } from "../faults/instance.ts";
import { createTestDatabase, openChat, type TestDatabase } from "../harness.ts";
import { clearKeys, testKeyPrefix } from "../presence.helpers.ts";
import { LegacyUser, legacyUser, tryConnect } from "./legacy-client.ts";

const prefix = testKeyPrefix();
let database: TestDatabase;
let instances: ChildInstance[];
let bridges: { stop(): Promise<void> }[];
/** one standalone bridge in front of each instance, as the test client addresses servers */
let fronts: { url: string; wsUrl: string }[];

const silent = { warn: () => {}, error: () => {} };

beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url as string,
    REDIS_URL: process.env.REDIS_URL as string,
    REDIS_KEY_PREFIX: prefix,
    TRUST_PROXY: "1", // the bridge appends the client's address to X-Forwarded-For
  };
  instances = await Promise.all([spawnInstance(env), spawnInstance(env)]);
  const started = await Promise.all(
    instances.map(async (instance) => {
      const bridge = createStandaloneBridge({
        apiUrl: new URL(instance.url).origin,
        originPolicy: createOriginPolicy([]),
        maxBufferedBytes: 1024 * 1024,
        maxFrameLength: 64 * 1024,
        cookieSecure: false,
        logger: silent,
      });
      const port = await bridge.start(0, "127.0.0.1");
      return { bridge, front: { url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/ws/events/` } };
    }),
  );
  bridges = started.map((s) => s.bridge);
  fronts = started.map((s) => s.front);
}, 60_000);
afterAll(async () => {
  await Promise.all((bridges ?? []).map((bridge) => bridge.stop()));
  await Promise.all((instances ?? []).map((instance) => instance.stop()));
  await database?.drop();
  await clearKeys(prefix);
});

/** A user signed up on an instance, whose browser talks to a bridge. */
async function userBehind(instance: ChildInstance, front: { url: string; wsUrl: string }) {
  const user = await legacyUser(instance);
  return new LegacyUser(front, user.user, user.jar);
}

describe("the standalone bridge", () => {
  it("a frame sent through the bridge of instance A reaches both users' sockets, one behind instance B", async () => {
    const [a, b] = instances as [ChildInstance, ChildInstance];
    const alice = await userBehind(a, fronts[0]!);
    const bob = await userBehind(b, fronts[1]!);
    const chatId = await openChat(a, alice.user, bob.username);
    const [aliceSocket, bobSocket] = await Promise.all([alice.connect(), bob.connect()]);
    await aliceSocket.expectNone(50); // a silent connect

    aliceSocket.send({
      action: "new_message",
      data: { chat_id: chatId.toUpperCase(), content: "across", timestamp: "ts-1" },
    });
    for (const frame of await Promise.all([aliceSocket.nextOf("new_message"), bobSocket.nextOf("new_message")])) {
      expect(frame.data).toMatchObject({
        chat_id: chatId,
        content: "across",
        sender: alice.username,
        timestamp: "ts-1",
      });
    }
    await Promise.all([aliceSocket.close(), bobSocket.close()]);
  });

  it("refuses what the API refuses, with 403 before accept: no cookie, a foreign Origin", async () => {
    const alice = await userBehind(instances[0]!, fronts[0]!);
    expect(await tryConnect(fronts[0]!, {})).toEqual({ status: 403 });
    expect(await tryConnect(fronts[0]!, { cookie: alice.jar.header(), origin: "https://evil.example" })).toEqual({
      status: 403,
    });
  });

  it("the frame pipeline runs in the bridge: a bad frame closes with 3100", async () => {
    const alice = await userBehind(instances[1]!, fronts[1]!);
    const socket = await alice.connect();
    socket.send("[]");
    expect((await socket.closed).code).toBe(3100);
  });
});
