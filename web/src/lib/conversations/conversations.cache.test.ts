import { getOperationName, type Operation } from "@urql/core";
import { beforeEach, expect, it } from "vitest";
import {
  ConversationListDocument,
  type ConversationListQuery,
  OpenChatDocument,
  ViewerDocument,
} from "../graphql/generated/graphql.ts";
import { conversationsCache, forgetUnseen, unseenMessages } from "./conversations.cache.ts";
import { type Answer, chatEventsForTests, testClient } from "./test-client.ts";

const ME = { __typename: "Me", id: "u1", username: "ana", nickname: "Ana", avatar: "/a.png" };
const user = (id: string, username: string) => ({
  __typename: "User",
  id,
  username,
  nickname: username.toUpperCase(),
  avatar: `/${username}.png`,
  isOnline: false,
  lastActivity: "2026-12-01T10:00:00.000Z",
  isBlockedByMe: false,
  hasBlockedMe: false,
});
const message = (id: string, chatId: string, createdAt: string, senderId = "u2", kind = "TEXT") => ({
  __typename: "Message",
  id,
  chatId,
  chatKind: "DIRECT",
  cursor: createdAt,
  kind,
  content: `text ${id}`,
  createdAt,
  deletedAt: null,
  senderBlockedByMe: false,
  attachments: [],
  sender: { __typename: "User", id: senderId, username: senderId, nickname: senderId },
  system: null,
});
const chat = (id: string, peer: ReturnType<typeof user>, last: ReturnType<typeof message>, unreadCount = 0) => ({
  __typename: "Chat",
  id,
  kind: "DIRECT",
  title: null,
  activityAt: last.createdAt,
  unreadCount,
  isBlockedByMe: false,
  hasBlockedMe: false,
  peer,
  lastMessage: last,
});

const bo = user("u2", "bo");
const cy = user("u3", "cy");
let chats: ReturnType<typeof chat>[];
let fetches: number;

const name = (op: Operation) => getOperationName(op.query);
const answer: Answer = (op) => {
  if (name(op) === "Viewer") return { me: ME };
  if (name(op) === "ConversationList") {
    fetches += 1;
    return { chats: { __typename: "ChatPage", totalCount: chats.length, hasNextPage: false, nodes: chats } };
  }
  if (name(op) === "OpenChat") {
    const opened = chat("c9", user("u9", "dee"), message("m9", "c9", "2026-12-01T12:00:00.000Z"));
    return { openChat: { __typename: "OpenChatPayload", created: true, chat: opened } };
  }
  throw new Error("unexpected operation");
};

beforeEach(() => {
  forgetUnseen();
  fetches = 0;
  chats = [
    chat("c1", bo, message("m1", "c1", "2026-12-01T11:00:00.000Z")),
    chat("c2", cy, message("m2", "c2", "2026-12-01T10:00:00.000Z"), 2),
  ];
});

const vars = { first: 30, offset: 0 };

async function setUp() {
  const t = testClient([conversationsCache, chatEventsForTests], answer);
  await t.client.query(ViewerDocument, {}).toPromise();
  // a list kept open, as the page does: invalidation re-executes it
  const results: (ConversationListQuery | undefined)[] = [];
  t.client.query(ConversationListDocument, vars).subscribe((r) => results.push(r.data));
  await new Promise((resolve) => setTimeout(resolve, 0));
  const read = () => t.client.readQuery(ConversationListDocument, vars)?.data;
  return { ...t, read, results };
}
const ids = (data: ConversationListQuery | null | undefined) => data?.chats.nodes.map((n) => n.id);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

it("a new message from someone else: last message, activity, first place and one unread, once", async () => {
  const t = await setUp();
  expect(ids(t.read())).toEqual(["c1", "c2"]);
  const event = {
    __typename: "MessageSentEvent",
    chatId: "c2",
    message: message("m3", "c2", "2026-12-01T12:00:00.000Z", "u3"),
  };
  t.push(event);
  const once = t.read();
  expect(ids(once)).toEqual(["c2", "c1"]);
  const c2 = once?.chats.nodes[0];
  expect(c2?.lastMessage?.id).toBe("m3");
  expect(c2?.activityAt).toBe("2026-12-01T12:00:00.000Z");
  expect(c2?.unreadCount).toBe(3);
  t.push(event);
  expect(t.read()).toEqual(once);
  expect(fetches).toBe(1);
});

it("my own message moves the chat first without counting unread; an older message changes nothing", async () => {
  const t = await setUp();
  t.push({
    __typename: "MessageSentEvent",
    chatId: "c2",
    message: message("m4", "c2", "2026-12-01T12:00:00.000Z", "u1"),
  });
  const once = t.read();
  expect(ids(once)).toEqual(["c2", "c1"]);
  expect(once?.chats.nodes[0]?.unreadCount).toBe(2);
  t.push({
    __typename: "MessageSentEvent",
    chatId: "c2",
    message: message("m4", "c2", "2026-12-01T12:00:00.000Z", "u1"),
  });
  t.push({ __typename: "MessageSentEvent", chatId: "c1", message: message("m0", "c1", "2026-12-01T09:00:00.000Z") });
  expect(t.read()).toEqual(once);
});

it("a SYSTEM message moves the group first but is not unread", async () => {
  const t = await setUp();
  const system = { ...message("m5", "c2", "2026-12-01T12:00:00.000Z", "u3", "SYSTEM"), content: "" };
  t.push({ __typename: "MessageSentEvent", chatId: "c2", message: system });
  const once = t.read();
  expect(ids(once)).toEqual(["c2", "c1"]);
  expect(once?.chats.nodes[0]?.unreadCount).toBe(2);
  t.push({ __typename: "MessageSentEvent", chatId: "c2", message: system });
  expect(t.read()).toEqual(once);
});

it("a message in a chat the list does not know refetches the list, which then shows it first", async () => {
  const t = await setUp();
  const newChat = chat("c7", user("u7", "eve"), message("m7", "c7", "2026-12-01T12:00:00.000Z"), 1);
  chats = [newChat, ...chats];
  const event = {
    __typename: "MessageSentEvent",
    chatId: "c7",
    message: message("m7", "c7", "2026-12-01T12:00:00.000Z"),
  };
  t.push(event);
  await tick();
  expect(fetches).toBe(2);
  const once = t.read();
  expect(ids(once)).toEqual(["c7", "c1", "c2"]);
  t.push(event);
  await tick();
  expect(t.read()).toEqual(once);
  expect(fetches).toBe(2);
});

it("a deleted group leaves the list, once", async () => {
  const t = await setUp();
  t.push({ __typename: "GroupDeletedEvent", chatId: "c1" });
  const once = t.read();
  expect(ids(once)).toEqual(["c2"]);
  t.push({ __typename: "GroupDeletedEvent", chatId: "c1" });
  expect(t.read()).toEqual(once);
});

it("my read position elsewhere refetches my unread counts; someone else's changes nothing", async () => {
  const t = await setUp();
  t.push({ __typename: "ChatReadEvent", chatId: "c2", byUserId: "u3" });
  await tick();
  expect(fetches).toBe(1);
  chats = chats.map((c) => (c.id === "c2" ? { ...c, unreadCount: 0 } : c));
  t.push({ __typename: "ChatReadEvent", chatId: "c2", byUserId: "u1" });
  await tick();
  expect(fetches).toBe(2);
  const once = t.read();
  expect(once?.chats.nodes[1]?.unreadCount).toBe(0);
});

it("openChat puts a new chat first, once", async () => {
  const t = await setUp();
  await t.client.mutation(OpenChatDocument, { username: "dee" }).toPromise();
  const once = t.read();
  expect(ids(once)).toEqual(["c9", "c1", "c2"]);
  await t.client.mutation(OpenChatDocument, { username: "dee" }).toPromise();
  expect(t.read()).toEqual(once);
  expect(fetches).toBe(1);
});

it("a burst in a new chat: a refetch that answers from before the second message is noticed and repeated", async () => {
  const t = await setUp();
  const first = message("m7", "c7", "2026-12-01T12:00:00.000Z");
  const second = message("m8", "c7", "2026-12-01T12:00:01.000Z");
  // the server's list as of the first message only
  chats = [chat("c7", user("u7", "eve"), first, 1), ...chats];
  t.push({ __typename: "MessageSentEvent", chatId: "c7", message: first });
  t.push({ __typename: "MessageSentEvent", chatId: "c7", message: second });
  await tick();
  const rows = t.read()?.chats.nodes ?? [];
  expect(rows[0]?.lastMessage?.id).toBe("m7");
  expect(unseenMessages(rows)).toBe(true);
  // the next answer has it: nothing missing any more, and it stays forgotten
  chats = [chat("c7", user("u7", "eve"), second, 2), ...chats.slice(1)];
  expect(unseenMessages(chats)).toBe(false);
  expect(unseenMessages([])).toBe(false);
});
