// presenceEvents(scope:) on one instance: EVERYONE (legacy), FRIENDS, USERS (a watch list), their refusals, blocks,
// follows made while a stream is open, inGame, and delivery that reaches only the streams watching a user.
// Runs in both modes: in-memory store and pub/sub (embedded), Redis (shared).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, EventQueue, startServer, type TestServer, type TestUser, wsClient } from "./harness.ts";
import {
  clearKeys,
  openSocket,
  type PresenceScopeArgs,
  PresenceWatcher,
  SCOPED_PRESENCE_EVENTS,
  settled,
  testKeyPrefix,
} from "./presence.helpers.ts";

const prefix = testKeyPrefix();
let server: TestServer;
const { users, as } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer({ config: { redisKeyPrefix: prefix } });
});
afterAll(async () => {
  await server.stop();
  await clearKeys(prefix);
});

const ADD_FRIEND = `mutation($u: String!) { addFriend(username: $u) { id } }`;
const REMOVE_FRIEND = `mutation($u: String!) { removeFriend(username: $u) { id } }`;
const BLOCK = `mutation($u: String!) { blockUser(username: $u) { id } }`;
const UNBLOCK = `mutation($u: String!) { unblockUser(username: $u) { id } }`;

const follow = (user: TestUser, ...others: TestUser[]) =>
  Promise.all(others.map((other) => as(user, ADD_FRIEND, { u: other.username })));

/** Opens and closes a socket of `user`: an ONLINE then an OFFLINE change, once every store call is done. */
async function blink(user: TestUser): Promise<void> {
  const socket = await openSocket(server, user);
  await settled(server);
  await socket.close();
  await expect.poll(() => server.app.services.presence.localSockets(user.id)).toBe(0);
  await settled(server);
}

/** A live stream re-reads whom it watches after a follow or block; this waits until its listeners changed by `by`. */
async function watching(change: () => Promise<unknown>, by: number): Promise<void> {
  const before = server.app.bus.activeSubscriptions();
  await change();
  await expect.poll(() => server.app.bus.activeSubscriptions()).toBe(before + by);
}

/** The first error of a subscription that is refused. */
async function refusal(viewer: TestUser, variables: PresenceScopeArgs) {
  const client = wsClient(server, viewer);
  const queue = new EventQueue(client, SCOPED_PRESENCE_EVENTS, { ...variables });
  try {
    // argument bounds refuse with an execution result, the scope's rules with a graphql-ws error
    const errors = await queue.next().then(
      (result: { errors?: unknown[] }) => result.errors ?? [result],
      (thrown: Error) => JSON.parse(thrown.message) as unknown[],
    );
    return errors[0];
  } finally {
    queue.dispose();
    await client.dispose();
  }
}

describe("EVERYONE", () => {
  it("is the default and the legacy broadcast: anyone, blockers included", async () => {
    const [viewer, stranger] = await users(2);
    await as(stranger, BLOCK, { u: viewer.username }); // the request makes them online
    await settled(server);
    const legacy = await PresenceWatcher.start(server, viewer);
    const explicit = await PresenceWatcher.start(server, viewer, { scope: "EVERYONE" });
    await blink(stranger);
    for (const watcher of [legacy, explicit]) {
      expect(await watcher.next(stranger)).toMatchObject({ status: "OFFLINE", user: { id: stranger.id } });
      await watcher.close();
    }
  });
});

describe("FRIENDS", () => {
  it("carries the people I follow, not others, with last-seen and inGame", async () => {
    const [viewer, friend, stranger] = await users(3);
    await follow(viewer, friend);
    await follow(stranger, viewer); // following me makes no one my friend
    const watcher = await PresenceWatcher.start(server, viewer, { scope: "FRIENDS" });

    await blink(stranger);
    const socket = await openSocket(server, friend);
    // the stranger's changes were published first: had they reached this stream, they would come first
    const online = await watcher.nextChange();
    expect(online).toMatchObject({ status: "ONLINE", user: { id: friend.id, isOnline: true, inGame: false } });
    await settled(server);
    await socket.close();
    const offline = await watcher.nextChange();
    expect(offline).toMatchObject({ status: "OFFLINE", user: { id: friend.id, isOnline: false } });
    expect(Date.parse(offline.user.lastActivity)).toBeGreaterThanOrEqual(Date.parse(online.user.lastActivity));
    await watcher.close();
  });

  it("follows a friend added or removed while it is open, without reconnecting", async () => {
    const [viewer, early, late, marker] = await users(4);
    await follow(viewer, early, marker);
    const watcher = await PresenceWatcher.start(server, viewer, { scope: "FRIENDS" });

    await watching(() => follow(viewer, late), 1);
    await blink(late);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: late.id } });
    expect(await watcher.nextChange()).toMatchObject({ status: "OFFLINE", user: { id: late.id } });

    await watching(() => as(viewer, REMOVE_FRIEND, { u: early.username }), -1);
    await blink(early);
    await blink(marker);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: marker.id } });
    await watcher.close();
  });

  it("leaves out a friend who blocked me, from the block on, and shows them again once they unblock me", async () => {
    const [viewer, blocker, marker] = await users(3);
    await follow(viewer, blocker, marker);
    await as(blocker, "{ me { id } }"); // online before the stream: their requests below change nothing
    await settled(server);
    const watcher = await PresenceWatcher.start(server, viewer, { scope: "FRIENDS" });

    await watching(() => as(blocker, BLOCK, { u: viewer.username }), -1);
    await blink(blocker);
    await blink(marker);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: marker.id } });
    expect(await watcher.nextChange()).toMatchObject({ status: "OFFLINE", user: { id: marker.id } });

    // unblocking is a request of theirs: it brings them online, seen or not depending on when the stream re-read
    await watching(() => as(blocker, UNBLOCK, { u: viewer.username }), 1);
    await settled(server);
    await blink(blocker);
    let change = await watcher.nextChange();
    if (change.status === "ONLINE") change = await watcher.nextChange();
    expect(change).toMatchObject({ status: "OFFLINE", user: { id: blocker.id } });
    await watcher.close();
  });
});

describe("USERS", () => {
  it("carries the watch list only, case-insensitively, without those who blocked me", async () => {
    const [viewer, watched, blocker, stranger] = await users(4);
    await as(blocker, BLOCK, { u: viewer.username });
    const usernames = [watched.username.toUpperCase(), blocker.username, watched.username];
    const watcher = await PresenceWatcher.start(server, viewer, { scope: "USERS", usernames });

    await blink(stranger);
    await blink(blocker);
    await blink(watched);
    expect(await watcher.nextChange()).toMatchObject({ status: "ONLINE", user: { id: watched.id } });
    expect(await watcher.nextChange()).toMatchObject({ status: "OFFLINE", user: { id: watched.id } });
    await watcher.close();
  });

  it("refuses more than 100 usernames, an empty list, unknown usernames, and usernames outside USERS", async () => {
    const [viewer, known] = await users(2);
    const many = Array.from({ length: 101 }, () => known.username);
    expect(await refusal(viewer, { scope: "USERS", usernames: many })).toMatchObject({
      message: "usernames must have at most 100 items.",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(await refusal(viewer, { scope: "USERS", usernames: [] })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(await refusal(viewer, { scope: "USERS" })).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(await refusal(viewer, { scope: "USERS", usernames: [known.username, "nobody_by_that_name"] })).toMatchObject(
      { message: "No user is named nobody_by_that_name.", extensions: { code: "NOT_FOUND" } },
    );
    expect(await refusal(viewer, { scope: "FRIENDS", usernames: [known.username] })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
    // exactly 100 is fine
    const hundred = await PresenceWatcher.start(server, viewer, { scope: "USERS", usernames: many.slice(1) });
    await hundred.close();
  });
});

describe("inGame", () => {
  const INVITE = `mutation($u: String!) { inviteToDuel(username: $u) { id } }`;
  const REPLY = `mutation($u: String!) { replyToInvitation(username: $u, accept: true) { game { id } } }`;
  const END = `mutation($g: ID!) { endGame(gameId: $g) { id } }`;
  const IN_GAME = `query($a: String!, $b: String!) { a: user(username: $a) { inGame } b: user(username: $b) { inGame } }`;

  it("is true for the players of a live game, on User and in presence events, and false once it ended", async () => {
    const [viewer, player, opponent] = await users(3);
    await follow(viewer, player);
    await as(player, INVITE, { u: opponent.username });
    const { replyToInvitation } = await as<{ replyToInvitation: { game: { id: string } } }>(opponent, REPLY, {
      u: player.username,
    });
    expect(await as(viewer, IN_GAME, { a: player.username, b: viewer.username })).toEqual({
      a: { inGame: true },
      b: { inGame: false },
    });
    // the player's requests made them online already: their last socket closing is the change the watcher sees
    const watcher = await PresenceWatcher.start(server, viewer, { scope: "FRIENDS" });
    const socket = await openSocket(server, player);
    await settled(server);
    await socket.close();
    expect(await watcher.nextChange()).toMatchObject({ status: "OFFLINE", user: { id: player.id, inGame: true } });

    await as(player, END, { g: replyToInvitation.game.id });
    expect(await as(viewer, IN_GAME, { a: player.username, b: opponent.username })).toEqual({
      a: { inGame: false },
      b: { inGame: false },
    });
    await watcher.close();
  });
});

describe("scoped delivery", () => {
  const delivered = async () => {
    const metric = await server.app.metrics.registry.getSingleMetric("parley_events_delivered_total")?.get();
    return metric?.values.find((value) => value.labels.kind === "PRESENCE_CHANGED")?.value ?? 0;
  };

  it("a change reaches the streams watching its user and touches no other scoped stream", async () => {
    const [subject, watcherUser, ...others] = await users(12);
    await follow(watcherUser, subject);
    const watcher = await PresenceWatcher.start(server, watcherUser, { scope: "FRIENDS" });
    const unrelated = await Promise.all(
      others.map(async (other, i) => {
        const peer = others[(i + 1) % others.length] as TestUser;
        await follow(other, peer);
        return PresenceWatcher.start(
          server,
          other,
          i % 2 ? { scope: "FRIENDS" } : { scope: "USERS", usernames: [peer.username] },
        );
      }),
    );
    await settled(server);
    const before = await delivered();
    const socket = await openSocket(server, subject);
    expect(await watcher.nextChange()).toMatchObject({ user: { id: subject.id } });
    await settled(server);
    // one listener heard it: the watcher's (no EVERYONE stream is open on this server)
    expect((await delivered()) - before).toBe(1);
    await socket.close();
    await Promise.all([watcher, ...unrelated].map((stream) => stream.close()));
  });

  it("100 scoped subscribe/unsubscribe cycles leave no listener", async () => {
    const [viewer, ...watched] = await users(4);
    await follow(viewer, ...watched);
    const before = server.app.bus.activeSubscriptions();
    const client = wsClient(server, viewer);
    for (let i = 0; i < 100; i++) {
      const variables = i % 2 ? { scope: "FRIENDS" } : { scope: "USERS", usernames: watched.map((u) => u.username) };
      const queue = new EventQueue(client, SCOPED_PRESENCE_EVENTS, variables);
      await queue.next();
      queue.dispose();
    }
    await expect.poll(() => server.app.bus.activeSubscriptions(), { timeout: 5000 }).toBe(before);
    await client.dispose();
  });
});
