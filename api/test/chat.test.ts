// Chats and messages over real HTTP: every rule of ChatService, in both modes (PGlite / PostgreSQL + Redis).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeOf,
  type GqlResult,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
} from "./harness.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const MISSING_ID = "00000000-0000-4000-8000-000000000000";

const OPEN = `mutation($p: String!) {
  openChat(username: $p) { created chat { id isBlockedByMe hasBlockedMe peer { username } } }
}`;
const LIKE = `mutation($m: ID!, $l: Boolean!) { setMessageLiked(messageId: $m, liked: $l) { id isLiked isRead } }`;
const READ = `mutation($m: ID!) { markMessageRead(messageId: $m) { id isRead isLiked } }`;
const TYPING = `mutation($c: ID!) { setTyping(chatId: $c) }`;
const BLOCK = `mutation($u: String!) { blockUser(username: $u) { username } }`;
const CHAT_STATE = `query($c: ID!) {
  chat(id: $c) { id unreadCount messages(first: 100) { totalCount nodes { id cursor content isRead isLiked } } }
}`;
const PAGE = `query($c: ID!, $first: Int, $before: String, $after: String, $offset: Int) {
  chat(id: $c) {
    messages(first: $first, before: $before, after: $after, offset: $offset) {
      totalCount hasNextPage endCursor nodes { cursor content }
    }
  }
}`;
const CHATS = `query($first: Int, $offset: Int) {
  chats(first: $first, offset: $offset) {
    totalCount hasNextPage
    nodes { id unreadCount peer { username } lastMessage { content cursor } }
  }
}`;

interface MessageState {
  id: string;
  cursor: string;
  content: string;
  isRead: boolean;
  isLiked: boolean;
}

type Users<N extends number, A extends TestUser[] = []> = A["length"] extends N ? A : Users<N, [...A, TestUser]>;

/** Fresh users for each test keep the tests independent of each other's chats and counters. */
async function users<N extends number>(count: N): Promise<Users<N>> {
  return (await Promise.all(Array.from({ length: count }, () => signUp(server)))) as Users<N>;
}

async function send(user: TestUser, chatId: string, content: string, clientTimestamp?: string) {
  return gql(server, SEND, { c: chatId, t: content, ts: clientTimestamp }, user);
}

/** Sends and insists it worked: returns the stored message. */
async function sent(user: TestUser, chatId: string, content: string) {
  const result = await send(user, chatId, content);
  expect(result.errors).toBeUndefined();
  return result.data?.sendMessage as { id: string; cursor: string; content: string; clientTimestamp: string | null };
}

/** The chat as `viewer` sees it: unread count, total and the newest 100 messages. */
async function chatState(viewer: TestUser, chatId: string) {
  const result = await gql(server, CHAT_STATE, { c: chatId }, viewer);
  expect(result.errors).toBeUndefined();
  const chat = result.data?.chat;
  return {
    unreadCount: chat.unreadCount as number,
    totalCount: chat.messages.totalCount as number,
    messages: chat.messages.nodes as MessageState[],
  };
}

async function messageState(viewer: TestUser, chatId: string, messageId: string): Promise<MessageState> {
  const found = (await chatState(viewer, chatId)).messages.find((message) => message.id === messageId);
  if (!found) throw new Error(`message ${messageId} not in chat ${chatId}`);
  return found;
}

const totalCount = async (viewer: TestUser, chatId: string) => (await chatState(viewer, chatId)).totalCount;

async function unreadMessageCount(viewer: TestUser): Promise<number> {
  const result = await gql(server, "{ me { unreadMessageCount } }", {}, viewer);
  expect(result.errors).toBeUndefined();
  return result.data?.me.unreadMessageCount;
}

async function block(blocker: TestUser, blocked: TestUser) {
  const result = await gql(server, BLOCK, { u: blocked.username }, blocker);
  expect(result.errors).toBeUndefined();
}

async function page(viewer: TestUser, chatId: string, args: Record<string, unknown>) {
  return gql(server, PAGE, { c: chatId, ...args }, viewer);
}

/** The message nodes of a PAGE result; throws (with the errors) when there are none. */
function nodesOf(result: GqlResult): { cursor: string; content: string }[] {
  const nodes = result.data?.chat.messages.nodes;
  if (!nodes) throw new Error(`no messages: ${JSON.stringify(result.errors)}`);
  return nodes;
}

const cursorsOf = (result: GqlResult) => nodesOf(result).map((node) => Number(node.cursor));

const range = (from: number, to: number) => {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
};

describe("openChat", () => {
  it("creates the chat once; the second call and the peer's call get the same chat", async () => {
    const [a, b] = await users(2);
    const first = await gql(server, OPEN, { p: b.username }, a);
    expect(first.errors).toBeUndefined();
    expect(first.data?.openChat.created).toBe(true);
    expect(first.data?.openChat.chat.peer.username).toBe(b.username);
    const chatId = first.data?.openChat.chat.id;

    const again = await gql(server, OPEN, { p: b.username }, a);
    expect(again.data?.openChat).toMatchObject({ created: false, chat: { id: chatId } });

    const fromPeer = await gql(server, OPEN, { p: a.username }, b);
    expect(fromPeer.data?.openChat).toMatchObject({
      created: false,
      chat: { id: chatId, peer: { username: a.username } },
    });
  });

  it("finds the peer by username in any case", async () => {
    const [a, b] = await users(2);
    const upper = await gql(server, OPEN, { p: b.username.toUpperCase() }, a);
    expect(upper.errors).toBeUndefined();
    expect(upper.data?.openChat).toMatchObject({ created: true, chat: { peer: { username: b.username } } });
    const chatId = upper.data?.openChat.chat.id;
    expect(await openChat(server, a, b.username)).toBe(chatId);
  });

  it("refuses a chat with yourself, in any case, and stores nothing", async () => {
    const [a] = await users(1);
    for (const name of [a.username, a.username.toUpperCase()]) {
      const result = await gql(server, OPEN, { p: name }, a);
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.data).toBeNull();
    }
    const chats = await gql(server, CHATS, {}, a);
    expect(chats.data?.chats.totalCount).toBe(0);
  });

  it("reports an unknown user as NOT_FOUND", async () => {
    const [a] = await users(1);
    const result = await gql(server, OPEN, { p: "nobody_by_this_name" }, a);
    expect(codeOf(result)).toBe("NOT_FOUND");
    expect((await gql(server, CHATS, {}, a)).data?.chats.totalCount).toBe(0);
  });

  it("is allowed across a block, with the block flags set for each side", async () => {
    const [a, b] = await users(2);
    await block(a, b);
    const byBlocker = await gql(server, OPEN, { p: b.username }, a);
    expect(byBlocker.errors).toBeUndefined();
    expect(byBlocker.data?.openChat).toMatchObject({
      created: true,
      chat: { isBlockedByMe: true, hasBlockedMe: false },
    });
    const byBlocked = await gql(server, OPEN, { p: a.username }, b);
    expect(byBlocked.errors).toBeUndefined();
    expect(byBlocked.data?.openChat).toMatchObject({
      created: false,
      chat: { id: byBlocker.data?.openChat.chat.id, isBlockedByMe: false, hasBlockedMe: true },
    });
  });

  it("chatWith is null before the chat exists and the chat afterwards", async () => {
    const [a, b] = await users(2);
    const query = `query($u: String!) { chatWith(username: $u) { id peer { username } } }`;
    const before = await gql(server, query, { u: b.username }, a);
    expect(before.errors).toBeUndefined();
    expect(before.data?.chatWith).toBeNull();

    const chatId = await openChat(server, a, b.username);
    const mine = await gql(server, query, { u: b.username }, a);
    expect(mine.data?.chatWith).toEqual({ id: chatId, peer: { username: b.username } });
    const theirs = await gql(server, query, { u: a.username }, b);
    expect(theirs.data?.chatWith).toEqual({ id: chatId, peer: { username: a.username } });
  });

  it("chat(id) is FORBIDDEN to a non-participant and NOT_FOUND for an unknown or malformed id", async () => {
    const [a, b, stranger] = await users(3);
    const chatId = await openChat(server, a, b.username);
    const query = `query($c: ID!) { chat(id: $c) { id } }`;
    expect((await gql(server, query, { c: chatId }, a)).data?.chat.id).toBe(chatId);
    expect(codeOf(await gql(server, query, { c: chatId }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, query, { c: MISSING_ID }, a))).toBe("NOT_FOUND");
    expect(codeOf(await gql(server, query, { c: "not-a-uuid" }, a))).toBe("NOT_FOUND");
  });
});

describe("sendMessage", () => {
  it("stores the message, echoes clientTimestamp and numbers messages 1, 2, 3", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const first = await send(a, chatId, "hello", "ts-1");
    expect(first.errors).toBeUndefined();
    expect(first.data?.sendMessage).toMatchObject({ content: "hello", clientTimestamp: "ts-1", cursor: "1" });
    const second = await send(b, chatId, "hi back");
    expect(second.data?.sendMessage).toMatchObject({ content: "hi back", clientTimestamp: null, cursor: "2" });
    const third = await send(a, chatId, "how are you?", "ts-3");
    expect(third.data?.sendMessage.cursor).toBe("3");

    const state = await chatState(b, chatId);
    expect(state.totalCount).toBe(3);
    expect(state.messages.map((m) => [m.cursor, m.content])).toEqual([
      ["3", "how are you?"],
      ["2", "hi back"],
      ["1", "hello"],
    ]);
    expect(state.messages[2]?.id).toBe(first.data?.sendMessage.id);
  });

  it("refuses too long content (in code points) and stores nothing", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    for (const content of ["x".repeat(256), "😀".repeat(256)]) {
      const result = await send(a, chatId, content);
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.extensions?.field).toBe("content");
      expect(result.data).toBeNull();
    }
    expect(await totalCount(a, chatId)).toBe(0);
  });

  it("accepts exactly 255 characters, counting emoji as one each, and empty or whitespace content as-is", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const contents = ["x".repeat(255), "😀".repeat(255), "", "   ", " \t padded \n "];
    for (const content of contents) {
      expect((await sent(a, chatId, content)).content).toBe(content);
    }
    const stored = (await chatState(b, chatId)).messages.map((m) => m.content);
    expect(stored).toEqual([...contents].reverse());
  });

  it("refuses a clientTimestamp longer than 64 characters", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const result = await send(a, chatId, "hello", "t".repeat(65));
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.field).toBe("clientTimestamp");
    expect(await totalCount(a, chatId)).toBe(0);
    const ok = await send(a, chatId, "hello", "t".repeat(64));
    expect(ok.data?.sendMessage.clientTimestamp).toBe("t".repeat(64));
  });

  it("refuses text PostgreSQL cannot store (NUL, unpaired surrogates) without failing concurrent sends", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const bad = new Map([
      [5, { t: "nul\u0000byte" }],
      [10, { t: "lone \ud800 surrogate" }],
      [15, { t: "ok", ts: "nul\u0000ts" }],
      [20, { t: "ok", ts: "\udc00" }],
    ]);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const input = bad.get(i) ?? { t: `good ${i}` };
        return gql(server, SEND, { c: chatId, t: input.t, ts: input.ts }, i % 2 ? a : b);
      }),
    );
    results.forEach((result, i) => {
      if (!bad.has(i)) expect(result.errors).toBeUndefined();
      else {
        expect(codeOf(result)).toBe("BAD_USER_INPUT");
        expect(result.errors?.[0]?.extensions?.field).toBe(bad.get(i)?.ts ? "clientTimestamp" : "content");
      }
    });
    expect(await totalCount(a, chatId)).toBe(30 - bad.size);
  });

  it("is FORBIDDEN to a non-participant and NOT_FOUND for an unknown or malformed chat", async () => {
    const [a, b, stranger] = await users(3);
    const chatId = await openChat(server, a, b.username);
    expect(codeOf(await send(stranger, chatId, "let me in"))).toBe("FORBIDDEN");
    expect(codeOf(await send(a, MISSING_ID, "hello?"))).toBe("NOT_FOUND");
    expect(codeOf(await send(a, "garbage", "hello?"))).toBe("NOT_FOUND");
    expect(await totalCount(a, chatId)).toBe(0);
    expect(codeOf(await gql(server, `query($c: ID!) { chat(id: $c) { id } }`, { c: MISSING_ID }, a))).toBe("NOT_FOUND");
  });

  it("is FORBIDDEN in both directions once either side blocks", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    await sent(a, chatId, "before the block");
    await block(a, b);
    const fromBlocked = await send(b, chatId, "why?");
    expect(codeOf(fromBlocked)).toBe("FORBIDDEN");
    const fromBlocker = await send(a, chatId, "one last word");
    expect(codeOf(fromBlocker)).toBe("FORBIDDEN");
    expect(await totalCount(a, chatId)).toBe(1);
    expect(await totalCount(b, chatId)).toBe(1);
  });

  it("accepts an upper-case chat id and stores it under the canonical id", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const result = await gql(
      server,
      `mutation($c: ID!) { sendMessage(chatId: $c, content: "shouting id") { chatId cursor } }`,
      { c: chatId.toUpperCase() },
      a,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.sendMessage).toEqual({ chatId, cursor: "1" });
    expect((await chatState(b, chatId)).messages.map((m) => m.content)).toEqual(["shouting id"]);
  });

  it("numbers 200 concurrent sends from both participants 1..200 without gaps or duplicates", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => send(i % 2 === 0 ? a : b, chatId, `message ${i}`, `ts-${i}`)),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const cursors = results.map((result) => Number(result.data?.sendMessage.cursor)).sort((x, y) => x - y);
    expect(cursors).toEqual(range(1, 200));
    results.forEach((result, i) => {
      expect(result.data?.sendMessage).toMatchObject({ content: `message ${i}`, clientTimestamp: `ts-${i}` });
    });

    // What is stored matches what each sender was told.
    const told = new Map(results.map((result) => [result.data?.sendMessage.cursor, result.data?.sendMessage.content]));
    const newest = await page(a, chatId, { first: 100 });
    const oldest = await page(a, chatId, { first: 100, before: newest.data?.chat.messages.endCursor });
    expect(newest.data?.chat.messages.totalCount).toBe(200);
    const stored = [...nodesOf(newest), ...nodesOf(oldest)];
    expect(stored.map((m) => Number(m.cursor))).toEqual(range(200, 1));
    for (const message of stored) expect(message.content).toBe(told.get(message.cursor));
    expect(oldest.data?.chat.messages.hasNextPage).toBe(false);
  });
});

describe("setMessageLiked", () => {
  it("lets the receiver like and unlike", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const { id } = await sent(a, chatId, "like me");
    const liked = await gql(server, LIKE, { m: id, l: true }, b);
    expect(liked.errors).toBeUndefined();
    expect(liked.data?.setMessageLiked).toMatchObject({ id, isLiked: true });
    expect((await messageState(a, chatId, id)).isLiked).toBe(true);
    const unliked = await gql(server, LIKE, { m: id, l: false }, b);
    expect(unliked.data?.setMessageLiked).toMatchObject({ id, isLiked: false });
    expect((await messageState(a, chatId, id)).isLiked).toBe(false);
  });

  it("is FORBIDDEN to the sender and to a stranger, NOT_FOUND for an unknown id", async () => {
    const [a, b, stranger] = await users(3);
    const chatId = await openChat(server, a, b.username);
    const { id } = await sent(a, chatId, "mine");
    expect(codeOf(await gql(server, LIKE, { m: id, l: true }, a))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, LIKE, { m: id, l: true }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, LIKE, { m: MISSING_ID, l: true }, b))).toBe("NOT_FOUND");
    expect(codeOf(await gql(server, LIKE, { m: "not-a-uuid", l: true }, b))).toBe("NOT_FOUND");
    expect((await messageState(b, chatId, id)).isLiked).toBe(false);
  });

  it("is FORBIDDEN across a block, in both directions, leaving the like as it was", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const { id } = await sent(a, chatId, "liked before the block");
    expect((await gql(server, LIKE, { m: id, l: true }, b)).errors).toBeUndefined();
    const { id: fromB } = await sent(b, chatId, "not liked");
    await block(b, a);
    expect(codeOf(await gql(server, LIKE, { m: id, l: false }, b))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, LIKE, { m: fromB, l: true }, a))).toBe("FORBIDDEN");
    expect((await messageState(a, chatId, id)).isLiked).toBe(true);
    expect((await messageState(a, chatId, fromB)).isLiked).toBe(false);
  });
});

describe("markMessageRead", () => {
  it("the receiver's read sets isRead and lowers both unread counts", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const first = await sent(a, chatId, "one");
    await sent(a, chatId, "two");
    await sent(b, chatId, "from b");
    expect((await chatState(b, chatId)).unreadCount).toBe(2);
    expect(await unreadMessageCount(b)).toBe(2);
    expect((await chatState(a, chatId)).unreadCount).toBe(1);

    const read = await gql(server, READ, { m: first.id }, b);
    expect(read.errors).toBeUndefined();
    expect(read.data?.markMessageRead).toMatchObject({ id: first.id, isRead: true });
    expect((await chatState(b, chatId)).unreadCount).toBe(1);
    expect(await unreadMessageCount(b)).toBe(1);
    expect((await messageState(a, chatId, first.id)).isRead).toBe(true);

    // Reading it again changes nothing.
    expect((await gql(server, READ, { m: first.id }, b)).data?.markMessageRead.isRead).toBe(true);
    expect(await unreadMessageCount(b)).toBe(1);
    expect(await unreadMessageCount(a)).toBe(1);
  });

  it("marking your own message is a no-op: it stays unread for the receiver", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const { id } = await sent(a, chatId, "unread");
    const result = await gql(server, READ, { m: id }, a);
    expect(result.errors).toBeUndefined();
    expect(result.data?.markMessageRead).toMatchObject({ id, isRead: false });
    expect((await messageState(b, chatId, id)).isRead).toBe(false);
    expect((await chatState(b, chatId)).unreadCount).toBe(1);
    expect(await unreadMessageCount(b)).toBe(1);
  });

  it("is FORBIDDEN to a stranger and NOT_FOUND for an unknown id", async () => {
    const [a, b, stranger] = await users(3);
    const chatId = await openChat(server, a, b.username);
    const { id } = await sent(a, chatId, "private");
    expect(codeOf(await gql(server, READ, { m: id }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, READ, { m: MISSING_ID }, b))).toBe("NOT_FOUND");
    expect((await messageState(b, chatId, id)).isRead).toBe(false);
    expect(await unreadMessageCount(b)).toBe(1);
  });
});

describe("setTyping", () => {
  it("is true for a participant, FORBIDDEN to a stranger and across a block", async () => {
    const [a, b, stranger] = await users(3);
    const chatId = await openChat(server, a, b.username);
    const ok = await gql(server, TYPING, { c: chatId }, a);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.setTyping).toBe(true);
    expect((await gql(server, TYPING, { c: chatId }, b)).data?.setTyping).toBe(true);
    expect(codeOf(await gql(server, TYPING, { c: chatId }, stranger))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, TYPING, { c: MISSING_ID }, a))).toBe("NOT_FOUND");
    await block(b, a);
    expect(codeOf(await gql(server, TYPING, { c: chatId }, a))).toBe("FORBIDDEN");
    expect(codeOf(await gql(server, TYPING, { c: chatId }, b))).toBe("FORBIDDEN");
    expect(await totalCount(a, chatId)).toBe(0);
  });
});

describe("chats", () => {
  it("lists my chats by latest activity with peer, last message and my unread count", async () => {
    const [me, p1, p2, p3] = await users(4);
    const c1 = await openChat(server, me, p1.username);
    const c2 = await openChat(server, me, p2.username);
    const c3 = await openChat(server, me, p3.username);

    const ids = async () => {
      const result = await gql(server, CHATS, {}, me);
      expect(result.errors).toBeUndefined();
      return ((result.data?.chats.nodes ?? []) as { id: string }[]).map((chat) => chat.id);
    };
    expect(await ids()).toEqual([c3, c2, c1]);

    await sent(me, c1, "hi p1");
    expect(await ids()).toEqual([c1, c3, c2]);
    await sent(p2, c2, "yo");
    await sent(p2, c2, "yo again");
    expect(await openChat(server, p2, me.username)).toBe(c2);

    const mine = await gql(server, CHATS, {}, me);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.chats).toEqual({
      totalCount: 3,
      hasNextPage: false,
      nodes: [
        { id: c2, unreadCount: 2, peer: { username: p2.username }, lastMessage: { content: "yo again", cursor: "2" } },
        { id: c1, unreadCount: 0, peer: { username: p1.username }, lastMessage: { content: "hi p1", cursor: "1" } },
        { id: c3, unreadCount: 0, peer: { username: p3.username }, lastMessage: null },
      ],
    });

    // The same chats from the other side: the peer is me, and the unread messages are the ones sent to them.
    const ofP1 = await gql(server, CHATS, {}, p1);
    expect(ofP1.data?.chats.nodes).toEqual([
      { id: c1, unreadCount: 1, peer: { username: me.username }, lastMessage: { content: "hi p1", cursor: "1" } },
    ]);
    const ofP2 = await gql(server, CHATS, {}, p2);
    expect(ofP2.data?.chats.nodes).toEqual([
      { id: c2, unreadCount: 0, peer: { username: me.username }, lastMessage: { content: "yo again", cursor: "2" } },
    ]);

    const firstPage = await gql(server, CHATS, { first: 2 }, me);
    expect(firstPage.data?.chats).toMatchObject({ totalCount: 3, hasNextPage: true });
    expect(firstPage.data?.chats.nodes.map((c: { id: string }) => c.id)).toEqual([c2, c1]);
    const secondPage = await gql(server, CHATS, { first: 2, offset: 2 }, me);
    expect(secondPage.data?.chats).toMatchObject({ totalCount: 3, hasNextPage: false });
    expect(secondPage.data?.chats.nodes.map((c: { id: string }) => c.id)).toEqual([c3]);
  });
});

describe("messages pagination", () => {
  let a: TestUser;
  let chatId: string;
  const COUNT = 25;

  beforeAll(async () => {
    const [x, y] = await users(2);
    a = x;
    chatId = await openChat(server, x, y.username);
    for (let i = 1; i <= COUNT; i++) await sent(i % 2 === 0 ? y : x, chatId, `m${i}`);
  });

  it("is newest first by default, with the total", async () => {
    const result = await page(a, chatId, {});
    expect(result.errors).toBeUndefined();
    expect(cursorsOf(result)).toEqual(range(COUNT, 1));
    expect(result.data?.chat.messages).toMatchObject({ totalCount: COUNT, hasNextPage: false, endCursor: "1" });
    expect(result.data?.chat.messages.nodes[0].content).toBe(`m${COUNT}`);
  });

  it("pages back with first + before, without overlap or gap, until hasNextPage is false", async () => {
    const seen: number[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const result = await page(a, chatId, { first: 10, before });
      expect(result.errors).toBeUndefined();
      const messages = result.data?.chat.messages;
      expect(messages.totalCount).toBe(COUNT);
      seen.push(...cursorsOf(result));
      pages++;
      if (!messages.hasNextPage) break;
      before = messages.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(range(COUNT, 1));
  });

  it("after: returns only newer messages, oldest first", async () => {
    const middle = await page(a, chatId, { after: "5", first: 10 });
    expect(middle.errors).toBeUndefined();
    expect(cursorsOf(middle)).toEqual(range(6, 15));
    expect(middle.data?.chat.messages).toMatchObject({ hasNextPage: true, endCursor: "15" });

    const tail = await page(a, chatId, { after: "20" });
    expect(cursorsOf(tail)).toEqual(range(21, COUNT));
    expect(tail.data?.chat.messages).toMatchObject({ hasNextPage: false, endCursor: String(COUNT) });

    const none = await page(a, chatId, { after: String(COUNT) });
    expect(none.data?.chat.messages).toMatchObject({ nodes: [], hasNextPage: false, endCursor: null });
  });

  it("offset pages newest first", async () => {
    const result = await page(a, chatId, { first: 5, offset: 10 });
    expect(result.errors).toBeUndefined();
    expect(cursorsOf(result)).toEqual(range(15, 11));
    expect(result.data?.chat.messages).toMatchObject({ hasNextPage: true, totalCount: COUNT });
    const last = await page(a, chatId, { first: 5, offset: 20 });
    expect(cursorsOf(last)).toEqual(range(5, 1));
    expect(last.data?.chat.messages.hasNextPage).toBe(false);
  });

  it("refuses before with after, and invalid cursors", async () => {
    expect(codeOf(await page(a, chatId, { before: "10", after: "5" }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await page(a, chatId, { before: "abc" }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await page(a, chatId, { after: "abc" }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await page(a, chatId, { first: 0 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await page(a, chatId, { first: 101 }))).toBe("BAD_USER_INPUT");
  });
});

describe("without authentication", () => {
  it("refuses sendMessage, chats and openChat with UNAUTHENTICATED and stores nothing", async () => {
    const [a, b] = await users(2);
    const chatId = await openChat(server, a, b.username);
    const [c] = await users(1);

    const sendResult = await gql(server, SEND, { c: chatId, t: "anonymous" });
    expect(codeOf(sendResult)).toBe("UNAUTHENTICATED");
    expect(sendResult.data).toBeNull();
    expect(await totalCount(a, chatId)).toBe(0);

    expect(codeOf(await gql(server, CHATS))).toBe("UNAUTHENTICATED");

    const openResult = await gql(server, OPEN, { p: c.username });
    expect(codeOf(openResult)).toBe("UNAUTHENTICATED");
    expect((await gql(server, CHATS, {}, c)).data?.chats.totalCount).toBe(0);

    const badToken = await gql(server, SEND, { c: chatId, t: "forged" }, { token: "not.a.jwt" });
    expect(codeOf(badToken)).toBe("UNAUTHENTICATED");
    expect(await totalCount(a, chatId)).toBe(0);
  });
});
