import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { TokenService } from "../src/infra/auth.ts";
import {
  CHAT_EVENTS,
  EventQueue,
  gql,
  JWT_SECRET,
  openChat,
  SEND,
  sessionIdOf,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let chatId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, carol] = [await signUp(server), await signUp(server), await signUp(server)];
  chatId = await openChat(server, alice, bob.username);
});
afterAll(() => server.stop());

async function send(from: TestUser, content: string, chat = chatId, clientTimestamp: string | null = null) {
  const result = await gql(server, SEND, { c: chat, t: content, ts: clientTimestamp }, from);
  expect(result.errors).toBeUndefined();
  return result.data?.sendMessage as { id: string; cursor: string; content: string };
}

async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, CHAT_EVENTS);
  await queue.ready();
  return { client, queue, close: () => client.dispose() };
}

describe("chatEvents", () => {
  it("delivers a message to every socket of both participants, sender included, and to nobody else", async () => {
    const sockets = [await listen(alice), await listen(alice), await listen(bob)];
    const stranger = await listen(carol);
    const sent = await send(alice, "hello", chatId, "pending-42");
    for (const { queue } of sockets) {
      expect((await queue.next()).chatEvents).toEqual({
        __typename: "MessageSentEvent",
        chatId,
        message: {
          id: sent.id,
          cursor: sent.cursor,
          content: "hello",
          clientTimestamp: "pending-42",
          sender: { username: alice.username },
        },
      });
    }
    // Carol's first event is from her own chat: the message above never reached her.
    const carolChat = await openChat(server, carol, alice.username);
    await send(alice, "hi carol", carolChat);
    expect((await stranger.queue.next()).chatEvents.message.content).toBe("hi carol");
    for (const socket of [...sockets, stranger]) socket.close();
  });

  it("pushes likes, unlikes and reads to both sides, and typing to the peer only", async () => {
    const [a, b] = [await listen(alice), await listen(bob)];
    const message = await send(alice, "like me");
    await a.queue.next();
    await b.queue.next();
    await gql(
      server,
      `mutation($m: ID!) { setMessageLiked(messageId: $m, liked: true) { id } }`,
      { m: message.id },
      bob,
    );
    await gql(
      server,
      `mutation($m: ID!) { setMessageLiked(messageId: $m, liked: false) { id } }`,
      { m: message.id },
      bob,
    );
    await gql(server, `mutation($m: ID!) { markMessageRead(messageId: $m) { id } }`, { m: message.id }, bob);
    for (const { queue } of [a, b]) {
      expect((await queue.next()).chatEvents).toEqual({
        __typename: "MessageLikedEvent",
        chatId,
        messageId: message.id,
        liked: true,
        byUserId: bob.id,
      });
      // the like is the ❤️ reaction: its ReactionEvent follows (test/reactions.test.ts)
      expect((await queue.next()).chatEvents).toEqual({ __typename: "ReactionEvent" });
      expect((await queue.next()).chatEvents).toMatchObject({ __typename: "MessageLikedEvent", liked: false });
      expect((await queue.next()).chatEvents).toEqual({ __typename: "ReactionEvent" });
      expect((await queue.next()).chatEvents).toEqual({
        __typename: "MessageReadEvent",
        chatId,
        messageId: message.id,
        byUserId: bob.id,
      });
    }
    await gql(server, `mutation($c: ID!) { setTyping(chatId: $c) }`, { c: chatId }, alice);
    await send(alice, "after typing");
    expect((await b.queue.next()).chatEvents).toEqual({
      __typename: "TypingEvent",
      chatId,
      user: { username: alice.username },
    });
    expect((await b.queue.next()).chatEvents.message.content).toBe("after typing");
    expect((await a.queue.next()).chatEvents.message.content).toBe("after typing"); // no typing echo
    a.close();
    b.close();
  });
});

type Node = { id: string; cursor: string; content: string };

/** Nothing more arrives within `quietMs`: a late duplicate fails the test. */
async function expectNothingMore(queue: EventQueue, quietMs = 300): Promise<void> {
  await expect(queue.next(quietMs)).rejects.toThrow("timed out waiting for a subscription event");
}

describe("reconnect", () => {
  const CATCH_UP = `query($c: ID!, $after: String) {
    chat(id: $c) { messages(after: $after, first: 100) { nodes { id cursor content } hasNextPage } }
  }`;

  it("a client that was offline gets every message once, in order: resubscribe, then catch up by cursor", async () => {
    const online = await listen(bob);
    const seen = await send(alice, "before the disconnect");
    expect((await online.queue.next()).chatEvents.message.id).toBe(seen.id);
    online.close();

    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await send(alice, `while offline ${i}`));

    const back = await listen(bob); // live from here: nothing sent later can be missed
    const concurrent = send(alice, "during catch-up");
    const caughtUp: Node[] = (await gql(server, CATCH_UP, { c: chatId, after: seen.cursor }, bob)).data?.chat.messages
      .nodes;
    const live: Node[] = [(await back.queue.next()).chatEvents.message];
    await concurrent;

    // What a client does: apply the catch-up page, then live events past its last cursor. No map: a message
    // delivered twice would be applied twice and fail the count.
    const last = Number(caughtUp.at(-1)?.cursor ?? seen.cursor);
    const applied = [...caughtUp, ...live.filter((message) => Number(message.cursor) > last)];
    expect(applied.map((m) => m.content)).toEqual([...missed.map((m) => m.content), "during catch-up"]);
    expect(applied.map((m) => Number(m.cursor))).toEqual(
      applied.map((_, i) => Number(seen.cursor) + 1 + i), // consecutive: no gap, no duplicate
    );
    await expectNothingMore(back.queue);
    back.close();
  });

  it("concurrent senders: repeated after: reads and the live stream see each message once, at contiguous cursors", async () => {
    const [dan, erin] = [await signUp(server), await signUp(server)];
    const chat = await openChat(server, dan, erin.username);
    const start = await send(dan, "start", chat);
    const watcher = await listen(erin);
    const SENDERS = 8;
    const EACH = 25;
    const total = SENDERS * EACH;

    const sentIds: string[] = [];
    let sending = true;
    const senders = Promise.all(
      Array.from({ length: SENDERS }, async (_, worker) => {
        for (let i = 0; i < EACH; i++) sentIds.push((await send(worker % 2 ? dan : erin, `${worker}.${i}`, chat)).id);
      }),
    ).finally(() => {
      sending = false;
    });

    // A client catching up while others keep sending: page after its last cursor, again and again.
    const read: Node[] = [];
    let cursor = start.cursor;
    let pages = 0;
    for (let empty = false; sending || !empty; pages++) {
      expect(pages).toBeLessThan(5000); // bounded
      const page: Node[] = (await gql(server, CATCH_UP, { c: chat, after: cursor }, erin)).data?.chat.messages.nodes;
      read.push(...page);
      cursor = page.at(-1)?.cursor ?? cursor;
      empty = page.length === 0;
      if (empty) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await senders;

    expect(read).toHaveLength(total); // counted: a duplicate makes it longer, a skipped message shorter
    expect(read.map((m) => Number(m.cursor))).toEqual(read.map((_, i) => Number(start.cursor) + 1 + i));
    expect(read.map((m) => m.id).sort()).toEqual([...sentIds].sort());
    expect(pages).toBeGreaterThan(2); // the reads interleaved with the sends

    const liveIds: string[] = [];
    for (let i = 0; i < total; i++) liveIds.push((await watcher.queue.next()).chatEvents.message.id);
    expect(liveIds.sort()).toEqual([...sentIds].sort());
    await expectNothingMore(watcher.queue);
    watcher.close();
  });
});

describe("WebSocket authentication", () => {
  function closeCodeOf(connectionParams?: Record<string, unknown>, cookie?: string): Promise<number> {
    return new Promise((resolve) => {
      const socket = new WebSocket(server.wsUrl, "graphql-transport-ws", { headers: cookie ? { cookie } : {} });
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: connectionParams })));
      socket.on("close", (code) => resolve(code));
    });
  }

  it("refuses a socket without a valid token with 4403", async () => {
    expect(await closeCodeOf()).toBe(4403);
    expect(await closeCodeOf({ authorization: "Bearer not-a-jwt" })).toBe(4403);
    const expired = await new TokenService(JWT_SECRET, -60, 60).signAccess(alice.id, sessionIdOf(alice));
    expect(await closeCodeOf({ accessToken: expired.token })).toBe(4403);
  });

  it("accepts the access_token cookie of the upgrade request", async () => {
    const socket = new WebSocket(server.wsUrl, "graphql-transport-ws", {
      headers: { cookie: `access_token=${alice.token}` },
    });
    const ack = await new Promise((resolve) => {
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
      socket.on("message", (data) => resolve(JSON.parse(String(data)).type));
    });
    expect(ack).toBe("connection_ack");
    socket.close();
  });

  it("closes an open socket with 4403 when its token expires", async () => {
    const shortLived = await new TokenService(JWT_SECRET, 1, 60).signAccess(alice.id, sessionIdOf(alice));
    const started = Date.now();
    expect(await closeCodeOf({ accessToken: shortLived.token })).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("subscriptions do not leak", () => {
  it("1,000 subscribe/unsubscribe cycles leave no live subscription", async () => {
    const client = wsClient(server, alice);
    const before = server.app.bus.activeSubscriptions();
    for (let round = 0; round < 20; round++) {
      const queues = Array.from({ length: 50 }, () => new EventQueue(client, CHAT_EVENTS));
      await Promise.all(queues.map((queue) => queue.ready()));
      expect(server.app.bus.activeSubscriptions()).toBe(before + 50);
      for (const queue of queues) queue.dispose();
    }
    await expect.poll(() => server.app.bus.activeSubscriptions(), { timeout: 5000 }).toBe(before);
    await client.dispose();
  });
});
