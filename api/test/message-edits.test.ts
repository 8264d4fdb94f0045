// Editing and deleting messages over real HTTP and a real graphql-ws client, in both modes: own messages only,
// the 15-minute edit window, tombstones that keep cursors and counts, idempotent repeats, live events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDIT_WINDOW_MS } from "../src/domains/chat/edits/edits.service.ts";
import {
  clientOf,
  EventQueue,
  gql,
  openChat,
  SEND,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

let server: TestServer;
const { users, as, refused } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const FIELDS = "id cursor content editedAt deletedAt isLiked reactions { emoji count }";
const EDIT = `mutation($m: ID!, $t: String!) { editMessage(messageId: $m, content: $t) { ${FIELDS} } }`;
const DELETE = `mutation($m: ID!) { deleteMessage(messageId: $m) { ${FIELDS} } }`;
const REACT = `mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }`;
const HISTORY = `query($c: ID!) { chat(id: $c) { messages(first: 10) { totalCount nodes { ${FIELDS} } } } }`;
const EVENTS = `subscription { chatEvents { __typename
  ... on MessageEditedEvent { chatId messageId content editedAt byUserId }
  ... on MessageDeletedEvent { chatId messageId deletedAt byUserId }
  ... on MessageSentEvent { message { content } }
} }`;

async function conversation() {
  const [alice, bob] = await users(2);
  const chatId = await openChat(server, alice, bob.username);
  const send = async (user: TestUser, text: string) =>
    (await as(user, SEND, { c: chatId, t: text })).sendMessage as { id: string; cursor: string };
  const history = async (viewer: TestUser = bob) => (await as(viewer, HISTORY, { c: chatId })).chat.messages;
  return { alice, bob, chatId, send, history };
}

/** Moves a message's send time back, as if it had been sent `ms` ago. */
async function sentAgo(messageId: string, ms: number) {
  await server.app.prisma.message.update({ where: { id: messageId }, data: { createdAt: new Date(Date.now() - ms) } });
}

async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, EVENTS);
  await queue.ready();
  return { next: async () => (await queue.next()).chatEvents, close: () => client.dispose() };
}

describe("editMessage", () => {
  it("changes my own message, keeps its place and records editedAt in the history", async () => {
    const { alice, send, history } = await conversation();
    const sent = await send(alice, "helo");
    const edited = (await as(alice, EDIT, { m: sent.id, t: "hello" })).editMessage;
    expect(edited).toMatchObject({ id: sent.id, cursor: sent.cursor, content: "hello", deletedAt: null });
    expect(Date.parse(edited.editedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await history()).nodes).toEqual([edited]);
    const same = (await as(alice, EDIT, { m: sent.id, t: "hello" })).editMessage; // unchanged: nothing happens
    expect(same.editedAt).toBe(edited.editedAt);
  });

  it("is FORBIDDEN on someone else's message and to a non-member; refuses bad content; NOT_FOUND unknown", async () => {
    const { alice, bob, send, history } = await conversation();
    const [carol] = await users(1);
    const sent = await send(alice, "mine");
    expect((await refused(bob, EDIT, { m: sent.id, t: "yours now" }, "FORBIDDEN"))?.message).toMatch("your own");
    await refused(carol, EDIT, { m: sent.id, t: "x" }, "FORBIDDEN");
    await refused(alice, EDIT, { m: sent.id, t: "x".repeat(256) }, "BAD_USER_INPUT");
    await refused(alice, EDIT, { m: "00000000-0000-4000-8000-000000000000", t: "x" }, "NOT_FOUND");
    expect((await history()).nodes[0]).toMatchObject({ content: "mine", editedAt: null });
  });

  it(`is refused past ${EDIT_WINDOW_MS / 60_000} minutes after sending, with the reason`, async () => {
    const { alice, send, history } = await conversation();
    const early = await send(alice, "just in time");
    await sentAgo(early.id, EDIT_WINDOW_MS - 30_000);
    await as(alice, EDIT, { m: early.id, t: "still in time" });
    const late = await send(alice, "too late");
    await sentAgo(late.id, EDIT_WINDOW_MS + 1000);
    const error = await refused(alice, EDIT, { m: late.id, t: "changed" }, "BAD_USER_INPUT");
    expect(error?.message).toMatch("within 15 minutes");
    expect((await history()).nodes.map((node: { content: string }) => node.content)).toEqual([
      "too late",
      "still in time",
    ]);
  });

  it("is FORBIDDEN across a block and refused on a deleted message", async () => {
    const { alice, bob, send } = await conversation();
    const sent = await send(alice, "before the block");
    const gone = await send(alice, "deleted");
    await as(alice, DELETE, { m: gone.id });
    expect((await refused(alice, EDIT, { m: gone.id, t: "back" }, "BAD_USER_INPUT"))?.message).toMatch("deleted");
    await as(bob, `mutation($u: String!) { blockUser(username: $u) { id } }`, { u: alice.username });
    await refused(alice, EDIT, { m: sent.id, t: "after the block" }, "FORBIDDEN");
  });
});

describe("deleteMessage", () => {
  it("leaves a tombstone: content emptied, reactions gone, cursor and counts unchanged", async () => {
    const { alice, bob, send, history } = await conversation();
    const first = await send(alice, "first");
    const second = await send(bob, "second");
    await as(alice, REACT, { m: second.id, e: "👍" });
    await as(alice, `mutation($m: ID!) { setMessageLiked(messageId: $m, liked: true) { id } }`, { m: second.id });
    const before = await history(alice);
    const tombstone = (await as(bob, DELETE, { m: second.id })).deleteMessage;
    expect(tombstone).toMatchObject({
      id: second.id,
      cursor: second.cursor,
      content: "",
      isLiked: false,
      reactions: [],
    });
    expect(Date.parse(tombstone.deletedAt)).toBeGreaterThan(Date.now() - 60_000);
    const after = await history(alice);
    expect(after.totalCount).toBe(before.totalCount);
    expect(after.nodes.map((node: { cursor: string }) => node.cursor)).toEqual([second.cursor, first.cursor]);
    expect(after.nodes[0]).toEqual(tombstone);
    expect(await server.app.prisma.messageReaction.count({ where: { messageId: second.id } })).toBe(0);

    const again = (await as(bob, DELETE, { m: second.id })).deleteMessage; // idempotent
    expect(again.deletedAt).toBe(tombstone.deletedAt);
    await refused(alice, REACT, { m: second.id, e: "👍" }, "BAD_USER_INPUT");
  });

  it("a deleted message no longer counts as unread; the count of messages stays", async () => {
    const { alice, bob, chatId, send, history } = await conversation();
    const UNREAD = `query($c: ID!) { me { unreadMessageCount } chat(id: $c) { unreadCount } }`;
    await send(alice, "kept");
    const gone = await send(alice, "regretted");
    expect(await as(bob, UNREAD, { c: chatId })).toEqual({ me: { unreadMessageCount: 2 }, chat: { unreadCount: 2 } });
    await as(alice, DELETE, { m: gone.id });
    expect(await as(bob, UNREAD, { c: chatId })).toEqual({ me: { unreadMessageCount: 1 }, chat: { unreadCount: 1 } });
    expect((await history()).totalCount).toBe(2);
  });

  it("is FORBIDDEN on someone else's message and to a non-member", async () => {
    const { alice, bob, send, history } = await conversation();
    const [carol] = await users(1);
    const sent = await send(alice, "keep me");
    expect((await refused(bob, DELETE, { m: sent.id }, "FORBIDDEN"))?.message).toMatch("your own");
    await refused(carol, DELETE, { m: sent.id }, "FORBIDDEN");
    expect((await history()).nodes[0]).toMatchObject({ content: "keep me", deletedAt: null });
  });

  it("a resent clientMessageId after a delete returns the tombstone, not a new message", async () => {
    const { alice, chatId, history } = await conversation();
    const SEND_KEYED = `mutation($c: ID!, $k: String!) { sendMessage(chatId: $c, content: "x", clientMessageId: $k) { id content } }`;
    const sent = (await as(alice, SEND_KEYED, { c: chatId, k: "k1" })).sendMessage;
    await as(alice, DELETE, { m: sent.id });
    expect((await as(alice, SEND_KEYED, { c: chatId, k: "k1" })).sendMessage).toEqual({ id: sent.id, content: "" });
    expect((await history()).totalCount).toBe(1);
  });
});

describe("deleteMessage in a group", () => {
  it("the owner and admins may delete any message; a member only their own", async () => {
    const [owner, admin, member, other] = await users(4);
    const group = await server.app.services.groups.createGroup(owner.id, "club", [
      admin.username,
      member.username,
      other.username,
    ]);
    const ROLE = `mutation($c: ID!, $u: String!) { setMemberRole(chatId: $c, username: $u, role: ADMIN) { id } }`;
    await as(owner, ROLE, { c: group.id, u: admin.username });
    const send = async (user: TestUser, text: string) =>
      (await as(user, SEND, { c: group.id, t: text })).sendMessage.id as string;
    const [first, second, third] = [await send(other, "one"), await send(other, "two"), await send(owner, "three")];
    const error = await refused(member, DELETE, { m: first }, "FORBIDDEN");
    expect(error?.message).toMatch("owner and admins");
    await refused(member, DELETE, { m: third }, "FORBIDDEN");
    expect((await as(admin, DELETE, { m: first })).deleteMessage).toMatchObject({ content: "" });
    expect((await as(owner, DELETE, { m: second })).deleteMessage).toMatchObject({ content: "" });
    expect((await as(admin, DELETE, { m: third })).deleteMessage).toMatchObject({ content: "" });
    const mine = await send(member, "mine");
    expect((await as(member, DELETE, { m: mine })).deleteMessage.deletedAt).not.toBeNull();
  });
});

describe("live events", () => {
  it("an edit and a delete reach both members' sockets; repeats send nothing", async () => {
    const { alice, bob, chatId, send } = await conversation();
    const sent = await send(alice, "draft");
    const [a, b] = [await listen(alice), await listen(bob)];
    const { editMessage } = await as(alice, EDIT, { m: sent.id, t: "final" });
    const edited = {
      __typename: "MessageEditedEvent",
      chatId,
      messageId: sent.id,
      content: "final",
      byUserId: alice.id,
    };
    for (const socket of [a, b]) expect(await socket.next()).toEqual({ ...edited, editedAt: editMessage.editedAt });

    await as(alice, EDIT, { m: sent.id, t: "final" }); // unchanged: no event
    const { deleteMessage } = await as(alice, DELETE, { m: sent.id });
    await as(alice, DELETE, { m: sent.id }); // already deleted: no event
    await send(alice, "marker");
    for (const socket of [a, b]) {
      expect(await socket.next()).toEqual({
        __typename: "MessageDeletedEvent",
        chatId,
        messageId: sent.id,
        deletedAt: deleteMessage.deletedAt,
        byUserId: alice.id,
      });
      expect(await socket.next()).toEqual({ __typename: "MessageSentEvent", message: { content: "marker" } });
    }
    await Promise.all([a.close(), b.close()]);
  });
});

it("edits are refused without authentication", async () => {
  const result = await gql(server, DELETE, { m: "00000000-0000-4000-8000-000000000000" });
  expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
});
