// Protocol §7 / issue 8 Deliver 6: a legacy socket counts as a connection exactly like a graphql-ws socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startServer, type TestServer, type TestUser } from "../harness.ts";
import { clearKeys, openSocket, PresenceWatcher, settled, testKeyPrefix } from "../presence.helpers.ts";
import { legacyUser, tryConnect } from "./legacy-client.ts";

const prefix = testKeyPrefix();
let server: TestServer;
let watcher: PresenceWatcher;
let observer: TestUser;

beforeAll(async () => {
  server = await startServer({ config: { redisKeyPrefix: prefix } });
  observer = await signUp(server);
  watcher = await PresenceWatcher.start(server, observer);
});
afterAll(async () => {
  await watcher.close();
  await server.stop();
  await clearKeys(prefix);
});

describe("legacy sockets and presence", () => {
  it("a legacy socket makes its user online; a second tab's close changes nothing; the last close makes them offline", async () => {
    const [alice, carol] = await Promise.all([legacyUser(server), legacyUser(server)]);
    const first = await alice.connect();
    expect(await watcher.next(alice.user)).toMatchObject({ status: "ONLINE", user: { id: alice.user.id } });
    const second = await alice.connect();
    expect(server.app.services.presence.localSockets(alice.user.id)).toBe(2);

    await first.close();
    await expect.poll(() => server.app.services.presence.localSockets(alice.user.id)).toBe(1);
    await settled(server);
    // nothing about alice was published: the next change seen is carol's, which came later
    const marker = await carol.connect();
    expect(await watcher.next(alice.user, carol.user)).toMatchObject({ status: "ONLINE", user: { id: carol.user.id } });

    await second.close();
    expect(await watcher.next(alice.user, carol.user)).toMatchObject({
      status: "OFFLINE",
      user: { id: alice.user.id },
    });
    await marker.close();
  });

  it("a legacy and a graphql-ws socket of one user: offline only when the last of either kind closes", async () => {
    const [alice, carol] = await Promise.all([legacyUser(server), legacyUser(server)]);
    const legacy = await alice.connect();
    expect(await watcher.next(alice.user)).toMatchObject({ status: "ONLINE" });
    const graphql = await openSocket(server, alice.user);
    expect(server.app.services.presence.localSockets(alice.user.id)).toBe(2);

    await legacy.close();
    await expect.poll(() => server.app.services.presence.localSockets(alice.user.id)).toBe(1);
    await settled(server);
    const marker = await carol.connect();
    expect(await watcher.next(alice.user, carol.user)).toMatchObject({ status: "ONLINE", user: { id: carol.user.id } });

    await graphql.close();
    expect(await watcher.next(alice.user, carol.user)).toMatchObject({
      status: "OFFLINE",
      user: { id: alice.user.id },
    });

    // and the other way round: the graphql-ws socket closes first
    const graphqlAgain = await openSocket(server, alice.user);
    expect(await watcher.next(alice.user)).toMatchObject({ status: "ONLINE" });
    const legacyAgain = await alice.connect();
    await graphqlAgain.close();
    await expect.poll(() => server.app.services.presence.localSockets(alice.user.id)).toBe(1);
    await settled(server);
    await marker.close();
    expect(await watcher.next(alice.user, carol.user)).toMatchObject({
      status: "OFFLINE",
      user: { id: carol.user.id },
    });
    await legacyAgain.close();
    expect(await watcher.next(alice.user)).toMatchObject({ status: "OFFLINE", user: { id: alice.user.id } });
  });

  it("legacy sockets count towards WS_MAX_SOCKETS_PER_USER with graphql-ws ones: one more is refused with 403", async () => {
    const capped = await startServer({
      config: {
        redisKeyPrefix: testKeyPrefix(),
        transportLimits: {
          maxRequestBytes: 65536,
          maxSubscriptionsPerSocket: 100,
          maxSocketsPerUser: 2,
          maxBufferedBytes: 1 << 20,
        },
      },
    });
    try {
      const alice = await legacyUser(capped);
      const legacy = await alice.connect();
      const graphql = await openSocket(capped, alice.user);
      expect(await tryConnect(capped, { cookie: alice.jar.header() })).toEqual({ status: 403 });
      await Promise.all([legacy.close(), graphql.close()]);
    } finally {
      await capped.stop();
    }
  });
});
