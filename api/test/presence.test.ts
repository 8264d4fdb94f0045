// Presence (protocol §7) on one instance: sockets, activity, the inactivity sweep, the cron endpoint.
// Runs in both modes: an in-memory store (embedded) and the Redis store (shared).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHAT_EVENTS,
  EventQueue,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
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

const CRON_SECRET = "cron-secret-0123456789";
const prefix = testKeyPrefix();
const fastPrefix = testKeyPrefix();

let server: TestServer;
let watcher: PresenceWatcher;
let observer: TestUser;

beforeAll(async () => {
  server = await startServer({ config: { cronSecret: CRON_SECRET, redisKeyPrefix: prefix } });
  observer = await signUp(server);
  watcher = await PresenceWatcher.start(server, observer);
});
afterAll(async () => {
  await watcher.close();
  await server.stop();
  await clearKeys(prefix);
});

describe("sockets", () => {
  it("a socket makes its user online for everyone; closing one of several tabs changes nothing; the last close makes them offline", async () => {
    const [alice, carol] = [await signUp(server), await signUp(server)];
    expect((await presenceOf(server, observer, alice)).isOnline).toBe(false);

    const first = await openSocket(server, alice);
    const online = await watcher.next(alice);
    expect(online).toMatchObject({
      status: "ONLINE",
      user: { id: alice.id, username: alice.username, isOnline: true },
    });
    expect((await presenceOf(server, observer, alice)).isOnline).toBe(true);

    const second = await openSocket(server, alice);
    await first.close();
    await expect.poll(() => server.app.services.presence.localSockets(alice.id)).toBe(1);
    await settled(server);
    expect((await presenceOf(server, observer, alice)).isOnline).toBe(true);
    // Nothing about alice was published: the next change the watcher sees is carol's, which came later.
    const marker = await openSocket(server, carol);
    expect(await watcher.next(alice, carol)).toMatchObject({ status: "ONLINE", user: { id: carol.id } });

    await second.close();
    const offline = await watcher.next(alice, carol);
    expect(offline).toMatchObject({ status: "OFFLINE", user: { id: alice.id, isOnline: false } });
    expect((await presenceOf(server, observer, alice)).isOnline).toBe(false);
    await marker.close();
  });

  it("an authenticated HTTP request makes an offline user online; closing their last socket still makes them offline", async () => {
    const dave = await signUp(server);
    await gql(server, `{ me { id } }`, {}, dave);
    expect(await watcher.next(dave)).toMatchObject({ status: "ONLINE", user: { id: dave.id } });

    const socket = await openSocket(server, dave); // online already: no event
    await socket.close();
    expect(await watcher.next(dave)).toMatchObject({ status: "OFFLINE" });

    await gql(server, `{ me { id } }`, {}, dave);
    expect(await watcher.next(dave)).toMatchObject({ status: "ONLINE" });
  });

  it("reading over a socket is no activity; sending a message and liking are", async () => {
    const [erin, frank] = [await signUp(server), await signUp(server)];
    const chatId = await openChat(server, frank, erin.username);
    const message = (await gql(server, SEND, { c: chatId, t: "like me" }, frank)).data?.sendMessage;
    const client = wsClient(server, erin);
    const live = new EventQueue(client, CHAT_EVENTS); // keeps the (lazy) socket open
    await live.ready();
    const read = () => client.iterate({ query: `{ me { id } chats { totalCount } }` }).next();
    await read();
    await settled(server);
    const connected = (await presenceOf(server, frank, erin)).lastActivity;

    await read();
    await settled(server);
    expect((await presenceOf(server, frank, erin)).lastActivity).toBe(connected);

    const sent = await client.iterate({ query: SEND, variables: { c: chatId, t: "over the socket" } }).next();
    expect(sent.value?.errors).toBeUndefined();
    await settled(server);
    const afterSend = (await presenceOf(server, frank, erin)).lastActivity;
    expect(Date.parse(afterSend)).toBeGreaterThan(Date.parse(connected));

    const liked = await client
      .iterate({
        query: `mutation($m: ID!) { setMessageLiked(messageId: $m, liked: true) { id } }`,
        variables: { m: message.id },
      })
      .next();
    expect(liked.value?.errors).toBeUndefined();
    await settled(server);
    expect(Date.parse((await presenceOf(server, frank, erin)).lastActivity)).toBeGreaterThan(Date.parse(afterSend));
    live.dispose();
    await client.dispose();
  });
});

describe("queries", () => {
  it("onlineUsers pages through who is online, most recently active first", async () => {
    const [gina, hank, ivan] = [await signUp(server), await signUp(server), await signUp(server)];
    const sockets = [await openSocket(server, gina), await openSocket(server, hank)];
    await gql(server, `{ me { id } }`, {}, ivan); // online since just now: the most recently active
    await settled(server);
    const ONLINE = `query($first: Int, $offset: Int) {
      onlineUsers(first: $first, offset: $offset) { totalCount hasNextPage nodes { username isOnline } }
    }`;
    const all = (await gql(server, ONLINE, { first: 100 }, ivan)).data?.onlineUsers;
    const names = all.nodes.map((node: { username: string }) => node.username);
    expect(names[0]).toBe(ivan.username);
    expect(names).toEqual(expect.arrayContaining([gina.username, hank.username, observer.username]));
    expect(all.nodes.every((node: { isOnline: boolean }) => node.isOnline)).toBe(true);
    expect(all.totalCount).toBe(all.nodes.length);

    const page = (await gql(server, ONLINE, { first: 1, offset: 1 }, ivan)).data?.onlineUsers;
    expect(page).toEqual({ totalCount: all.totalCount, hasNextPage: true, nodes: [all.nodes[1]] });
    expect((await gql(server, `{ onlineUsers { totalCount } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    for (const socket of sockets) await socket.close();
  });

  it("isOnline and lastActivity take one presence lookup for a whole result", async () => {
    const users = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signUp(server, `batch${i}_${prefix.slice(12, 20)}`)),
    );
    const presence = server.app.services.presence;
    const original = presence.lastActivity.bind(presence);
    const lookups: number[] = [];
    presence.lastActivity = (ids) => {
      lookups.push(ids.length);
      return original(ids);
    };
    try {
      const result = await gql(
        server,
        `query($q: String!) { searchUsers(query: $q, first: 10) { nodes { isOnline lastActivity } } }`,
        { q: "batch" },
        users[0],
      );
      expect(result.data?.searchUsers.nodes).toHaveLength(6);
      expect(lookups).toHaveLength(1);
    } finally {
      presence.lastActivity = original;
    }
  });

  it("last activity reaches users.last_activity in batches, not one write per request", async () => {
    const jill = await signUp(server);
    const stored = async () =>
      (await server.app.prisma.user.findUniqueOrThrow({ where: { id: jill.id } })).lastActivity.toISOString();
    const atSignUp = await stored();
    for (let i = 0; i < 5; i++) await gql(server, `{ me { id } }`, {}, jill);
    await settled(server);
    expect(await stored()).toBe(atSignUp);
    const live = (await presenceOf(server, observer, jill)).lastActivity;
    expect(Date.parse(live)).toBeGreaterThan(Date.parse(atSignUp));

    await server.app.services.presence.persistActivity();
    expect(await stored()).toBe(live);
  });
});

describe("the cron endpoint", () => {
  it("answers 200 with the secret, 401 without it, 405 to other methods", async () => {
    expect(await callCron(server, `Bearer ${CRON_SECRET}`)).toEqual({ status: 200, body: { status: "ok" } });
    const unauthorized = { status: 401, body: { msg: "Unauthorized." } };
    expect(await callCron(server)).toEqual(unauthorized);
    expect(await callCron(server, "Bearer wrong-secret")).toEqual(unauthorized);
    expect(await callCron(server, `Bearer ${CRON_SECRET}x`)).toEqual(unauthorized);
    expect(await callCron(server, `Basic ${CRON_SECRET}`)).toEqual(unauthorized);
    expect(await callCron(server, `Bearer: ${CRON_SECRET}`)).toEqual(unauthorized);
    expect((await callCron(server, `Bearer ${CRON_SECRET}`, "GET")).status).toBe(405);
  });
});

describe("the inactivity sweep", () => {
  let fast: TestServer;
  beforeAll(async () => {
    fast = await startServer({
      config: {
        presence: { inactivity: 0.3, heartbeat: 10, sweepInterval: 0.1 },
        cronSecret: "",
        redisKeyPrefix: fastPrefix,
      },
    });
  });
  afterAll(async () => {
    await fast.stop();
    await clearKeys(fastPrefix);
  });

  it("takes an idle user offline, open tab or not, and keeps their last activity", async () => {
    const [kate, liam] = [await signUp(fast), await signUp(fast)];
    const fastWatcher = await PresenceWatcher.start(fast, liam);
    const socket = await openSocket(fast, kate);
    const online = await fastWatcher.next(kate);
    expect(online.status).toBe("ONLINE");
    const offline = await fastWatcher.next(kate); // scheduled, within inactivity + one sweep interval
    expect(offline).toMatchObject({ status: "OFFLINE", user: { isOnline: false } });
    expect(offline.user.lastActivity).toBe(online.user.lastActivity);
    expect(Date.parse(offline.at) - Date.parse(online.user.lastActivity)).toBeGreaterThanOrEqual(300);
    await settled(fast);
    const row = await fast.app.prisma.user.findUniqueOrThrow({ where: { id: kate.id } });
    expect(row.lastActivity.toISOString()).toBe(online.user.lastActivity);
    expect((await presenceOf(fast, liam, kate)).isOnline).toBe(false);

    await socket.close(); // offline already: nothing more to publish
    await gql(fast, `{ me { id } }`, {}, kate);
    expect(await fastWatcher.next(kate)).toMatchObject({ status: "ONLINE" });
    await fastWatcher.close();
  });

  it("an empty or unset CRON_SECRET never authenticates", async () => {
    const unauthorized = { status: 401, body: { msg: "Unauthorized." } };
    expect(await callCron(fast, "Bearer ")).toEqual(unauthorized);
    expect(await callCron(fast, "Bearer")).toEqual(unauthorized);
    expect(await callCron(fast, "Bearer undefined")).toEqual(unauthorized);
    expect(await callCron(fast)).toEqual(unauthorized);
  });
});

describe("presence events across a block", () => {
  const FLAGS = `subscription { presenceEvents { __typename
    ... on PresenceChangedEvent { status user { id isBlockedByMe hasBlockedMe } } } }`;

  it("read the viewer's blocks as they are when each event arrives, not when the subscription started", async () => {
    const [bob, alice] = [await signUp(server), await signUp(server)];
    const client = wsClient(server, bob);
    const events = new EventQueue(client, FLAGS);
    const about = async (user: TestUser) => {
      for (;;) {
        const { presenceEvents: event } = await events.next(10_000);
        if (event.__typename === "PresenceChangedEvent" && event.user.id === user.id) return event;
      }
    };
    expect((await events.next()).presenceEvents.__typename).toBe("StreamReadyEvent");
    const socket = await openSocket(server, alice);
    expect(await about(alice)).toMatchObject({ status: "ONLINE", user: { isBlockedByMe: false, hasBlockedMe: false } });

    const blocked = await gql(
      server,
      `mutation($u: String!) { blockUser(username: $u) { id } }`,
      { u: alice.username },
      bob,
    );
    expect(blocked.errors).toBeUndefined();
    await socket.close();
    expect(await about(alice)).toMatchObject({ status: "OFFLINE", user: { isBlockedByMe: true, hasBlockedMe: false } });
    events.dispose();
    await client.dispose();
  });
});
