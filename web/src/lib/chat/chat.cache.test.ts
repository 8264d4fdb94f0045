import { type AnyVariables, Client, subscriptionExchange, type TypedDocumentNode } from "@urql/core";
import { cacheExchange, type Data, type DataFields } from "@urql/exchange-graphcache";
import { type DocumentNode, getOperationAST } from "graphql";
import { get } from "svelte/store";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { cacheOptions } from "../graphql/cache.ts";
import {
  ChatEventsDocument,
  ChatHeaderDocument,
  ChatMessagesDocument,
  ChatViewerDocument,
  ConversationListDocument,
  SendMessageDocument,
} from "../graphql/generated/graphql.ts";
import { type ChatEvent, chatCache, onChatGone, onChatStreamReady, onReceiptsStale } from "./chat.cache.ts";
import { typingIn } from "./typing.ts";

const ME = "u-me";
const PEER = "u-peer";
const CHAT = "c1";
const AT = "2026-12-01T10:00:00.000Z";

const user = (id: string) => ({ __typename: "User", id, username: id, nickname: id.toUpperCase(), avatar: "" });

function message(seq: number, senderId: string, extra: Record<string, unknown> = {}) {
  const mine = senderId === ME;
  return {
    __typename: "Message",
    id: `m${seq}`,
    chatId: CHAT,
    chatKind: "DIRECT",
    cursor: String(seq),
    kind: "TEXT",
    content: `message ${seq}`,
    createdAt: new Date(Date.parse(AT) + seq * 1000).toISOString(),
    editedAt: null,
    deletedAt: null,
    clientTimestamp: null,
    isRead: mine,
    status: mine ? "SENT" : null,
    senderBlockedByMe: false,
    sender: user(senderId),
    reactions: [],
    receipts: { __typename: "MessageReceipts", deliveredCount: 0, readCount: 0 },
    system: null,
    attachments: [],
    ...extra,
  };
}

const page = (nodes: Data[], hasNextPage: boolean) => ({
  __typename: "MessagePage",
  endCursor: nodes.length ? String(nodes.at(-1)?.cursor) : null,
  hasNextPage,
  nodes,
});

const base = { id: CHAT, first: 30 };
let client: Client;
let fixtures: Map<string, DataFields>;
let push: (event: ChatEvent) => void = () => {
  throw new Error("not subscribed");
};
const getOperationName = (document: DocumentNode) => getOperationAST(document)?.name?.value;
const fixtureKey = (name: string, variables: unknown) => `${name} ${JSON.stringify(variables ?? {})}`;

/** Embedded types without keys (pages, receipts, reactions) are meant: no warnings for them. */
const quiet = () => {};

/** The network: queries answered from fixtures, the chatEvents subscription fed by `push`. */
function network() {
  return subscriptionExchange({
    enableAllOperations: true,
    forwardSubscription: (request, operation) => ({
      subscribe(sink) {
        if (operation.kind === "subscription") {
          push = (event) => sink.next({ data: { chatEvents: event } });
          return { unsubscribe() {} };
        }
        const name = getOperationName(operation.query) ?? "";
        const data = fixtures.get(fixtureKey(name, request.variables));
        if (!data) throw new Error(`no fixture for ${fixtureKey(name, request.variables)}`);
        sink.next({ data });
        sink.complete();
        return { unsubscribe() {} };
      },
    }),
  });
}

async function load<T, V extends AnyVariables>(document: TypedDocumentNode<T, V>, variables: V, data: DataFields) {
  fixtures.set(fixtureKey(getOperationName(document) ?? "", variables), data);
  const result = await client.query(document, variables).toPromise();
  if (result.error) throw result.error;
}

async function seed(kind: "DIRECT" | "GROUP" = "DIRECT") {
  fixtures = new Map();
  client = new Client({
    url: "http://fixtures.invalid/graphql",
    exchanges: [cacheExchange({ ...cacheOptions([chatCache]), logger: quiet }), network()],
  });
  client.subscription(ChatEventsDocument, {}).subscribe(() => {});
  await load(ChatViewerDocument, {}, { me: { __typename: "Me", id: ME, username: "me", nickname: "Me" } });
  await load(
    ChatHeaderDocument,
    { id: CHAT },
    {
      chat: {
        __typename: "Chat",
        id: CHAT,
        kind,
        title: kind === "GROUP" ? "Group" : null,
        myRole: "MEMBER",
        isBlockedByMe: false,
        hasBlockedMe: false,
        unreadCount: 2,
        peer:
          kind === "DIRECT"
            ? { ...user(PEER), isOnline: true, lastActivity: AT, isBlockedByMe: false, hasBlockedMe: false }
            : null,
      },
    },
  );
  // newest first, as the API pages: m5 (peer), m4 (peer), m3 (me), m2 (me)
  const nodes = [message(5, PEER), message(4, PEER), message(3, ME), message(2, ME)].map((one) => ({
    ...one,
    chatKind: kind,
  }));
  await load(ChatMessagesDocument, base, { chat: { __typename: "Chat", id: CHAT, messages: page(nodes, true) } });
  await load(
    ConversationListDocument,
    { first: 20 },
    {
      chats: {
        __typename: "ChatPage",
        totalCount: 1,
        hasNextPage: false,
        nodes: [
          {
            __typename: "Chat",
            id: CHAT,
            activityAt: AT,
            unreadCount: 2,
            isBlockedByMe: false,
            hasBlockedMe: false,
            kind,
            title: kind === "GROUP" ? "Group" : null,
            peer:
              kind === "DIRECT"
                ? { ...user(PEER), isOnline: true, lastActivity: AT, isBlockedByMe: false, hasBlockedMe: false }
                : null,
            lastMessage: { ...message(5, PEER), chatKind: kind },
          },
        ],
      },
    },
  );
}

const cached = <T, V extends AnyVariables>(document: TypedDocumentNode<T, V>, variables: V) =>
  client.readQuery(document, variables, { requestPolicy: "cache-only" })?.data;
const read = () => ({
  messages: cached(ChatMessagesDocument, base),
  header: cached(ChatHeaderDocument, { id: CHAT }),
  list: cached(ConversationListDocument, { first: 20 }),
});
const snapshot = () => JSON.stringify(read());
const nodes = () => read().messages?.chat.messages.nodes ?? [];
const node = (id: string) => nodes().find((one) => one.id === id);

/** Through the one Subscription.chatEvents updater, as the socket delivers it. */
const deliver = (event: ChatEvent) => push(event);

/** Apply the event twice: the first changes the result as `expectChange` says, the second changes nothing. */
function twice(event: ChatEvent, expectChange: () => void) {
  const before = snapshot();
  deliver(event);
  const after = snapshot();
  expect(after).not.toBe(before);
  expectChange();
  deliver(event);
  expect(snapshot()).toBe(after);
}

beforeEach(() => seed());

describe("chatEvents, each event type applied twice", () => {
  it("MessageSentEvent: the message joins the timeline once, newest first, and the chat list moves", () => {
    const sent = message(6, PEER);
    twice({ __typename: "MessageSentEvent", at: AT, chatId: CHAT, message: sent } as ChatEvent, () => {
      expect(nodes().map((one) => one.id)).toEqual(["m6", "m5", "m4", "m3", "m2"]);
      const row = read().list?.chats.nodes[0];
      expect(row?.lastMessage?.id).toBe("m6");
      expect(row?.unreadCount).toBe(3);
    });
  });

  it("MessageEditedEvent: content and editedAt change", () => {
    const editedAt = "2026-12-01T10:05:00.000Z";
    twice(
      {
        __typename: "MessageEditedEvent",
        at: AT,
        chatId: CHAT,
        messageId: "m3",
        byUserId: ME,
        content: "fixed",
        editedAt,
      },
      () => {
        expect(node("m3")).toMatchObject({ content: "fixed", editedAt });
      },
    );
  });

  it("MessageDeletedEvent: a tombstone stays in its place", () => {
    const deletedAt = "2026-12-01T10:06:00.000Z";
    twice(
      { __typename: "MessageDeletedEvent", at: AT, chatId: CHAT, messageId: "m4", byUserId: PEER, deletedAt },
      () => {
        expect(node("m4")).toMatchObject({ content: "", deletedAt, reactions: [] });
        expect(nodes().map((one) => one.id)).toEqual(["m5", "m4", "m3", "m2"]);
      },
    );
  });

  it("ReactionEvent: the reactions as I see them", () => {
    const reactions = [{ __typename: "Reaction", emoji: "👍", count: 1, reactedByMe: false }];
    twice(
      {
        __typename: "ReactionEvent",
        at: AT,
        chatId: CHAT,
        messageId: "m3",
        byUserId: PEER,
        emoji: "👍",
        added: true,
        reactions,
      } as ChatEvent,
      () => {
        expect(node("m3")?.reactions).toMatchObject([{ emoji: "👍", count: 1, reactedByMe: false }]);
      },
    );
  });

  it("MessageLikedEvent changes nothing (its ReactionEvent carries the state)", () => {
    const before = snapshot();
    deliver({ __typename: "MessageLikedEvent", at: AT, chatId: CHAT, messageId: "m3", byUserId: PEER, liked: true });
    deliver({ __typename: "MessageLikedEvent", at: AT, chatId: CHAT, messageId: "m3", byUserId: PEER, liked: true });
    expect(snapshot()).toBe(before);
  });

  it("ChatReadEvent by me: others' messages up to the cursor are read, the unread count follows", () => {
    twice({ __typename: "ChatReadEvent", at: AT, chatId: CHAT, byUserId: ME, cursor: "4" }, () => {
      expect(node("m4")?.isRead).toBe(true);
      expect(node("m5")?.isRead).toBe(false);
      expect(read().header?.chat.unreadCount).toBe(1);
      expect(read().list?.chats.nodes[0]?.unreadCount).toBe(1);
    });
  });

  it("ChatReadEvent by the peer of a DIRECT chat: my messages up to it are READ", () => {
    twice({ __typename: "ChatReadEvent", at: AT, chatId: CHAT, byUserId: PEER, cursor: "3" }, () => {
      expect(node("m3")).toMatchObject({ status: "READ", isRead: true });
      expect(node("m2")).toMatchObject({ status: "READ" });
    });
  });

  it("MessageReadEvent: one message read by the peer", () => {
    twice({ __typename: "MessageReadEvent", at: AT, chatId: CHAT, byUserId: PEER, messageId: "m2" }, () => {
      expect(node("m2")?.status).toBe("READ");
      expect(node("m3")?.status).toBe("SENT");
    });
  });

  it("DeliveryEvent: delivered up to one cursor, read up to another; never back", () => {
    twice(
      { __typename: "DeliveryEvent", at: AT, chatId: CHAT, byUserId: PEER, deliveredCursor: "3", readCursor: "2" },
      () => {
        expect(node("m3")?.status).toBe("DELIVERED");
        expect(node("m2")?.status).toBe("READ");
      },
    );
    // an older position changes nothing
    const now = snapshot();
    deliver({
      __typename: "DeliveryEvent",
      at: AT,
      chatId: CHAT,
      byUserId: PEER,
      deliveredCursor: "1",
      readCursor: "1",
    });
    expect(snapshot()).toBe(now);
  });

  it("DeliveryEvent in a group: the server's counts are fetched again (listener), the cache is left alone", async () => {
    await seed("GROUP");
    const stale = vi.fn();
    const off = onReceiptsStale(stale);
    const before = snapshot();
    deliver({
      __typename: "DeliveryEvent",
      at: AT,
      chatId: CHAT,
      byUserId: PEER,
      deliveredCursor: "3",
      readCursor: "3",
    });
    off();
    expect(stale).toHaveBeenCalledWith(CHAT);
    expect(snapshot()).toBe(before);
  });

  it("GroupChangedEvent: the system message joins once, the title follows; removedMe takes the chat away", async () => {
    await seed("GROUP");
    const system = {
      ...message(6, PEER, { kind: "SYSTEM", content: "", chatKind: "GROUP", status: null }),
      system: {
        __typename: "SystemChange",
        action: "GROUP_RENAMED",
        role: null,
        title: "New",
        actor: user(PEER),
        users: [],
      },
    };
    const event = {
      __typename: "GroupChangedEvent",
      at: AT,
      chatId: CHAT,
      title: "New",
      removedMe: false,
      message: system,
    };
    twice(event as ChatEvent, () => {
      expect(nodes()[0]?.id).toBe("m6");
      expect(read().header?.chat.title).toBe("New");
    });
    const gone = vi.fn();
    const off = onChatGone(gone);
    const removed = { ...event, removedMe: true, message: { ...system, id: "m7", cursor: "7" } };
    twice(removed as ChatEvent, () => {
      expect(read().list?.chats.nodes).toEqual([]);
    });
    off();
    expect(gone).toHaveBeenCalledWith(CHAT);
  });

  it("GroupDeletedEvent: the chat leaves the list", async () => {
    await seed("GROUP");
    twice({ __typename: "GroupDeletedEvent", at: AT, chatId: CHAT, byUserId: PEER }, () => {
      expect(read().list?.chats.nodes).toEqual([]);
    });
  });

  it("TypingEvent: a store, not the cache; twice is one typist; their message stops it", () => {
    const before = snapshot();
    const event = { __typename: "TypingEvent", at: new Date().toISOString(), chatId: CHAT, user: user(PEER) } as const;
    deliver(event);
    const once = get(typingIn(CHAT));
    deliver(event);
    expect(get(typingIn(CHAT)).map((one) => one.id)).toEqual(once.map((one) => one.id));
    expect(once.map((one) => one.nickname)).toEqual(["U-PEER"]);
    expect(snapshot()).toBe(before);
    deliver({ __typename: "MessageSentEvent", at: AT, chatId: CHAT, message: message(9, PEER) } as ChatEvent);
    expect(get(typingIn(CHAT))).toEqual([]);
    // my own typing, echoed to my other sockets, is not shown
    deliver({ ...event, user: user(ME) });
    expect(get(typingIn(CHAT))).toEqual([]);
  });

  it("StreamReadyEvent: catch-up listeners run, the cache is left alone", () => {
    const ready = vi.fn();
    const off = onChatStreamReady(ready);
    const before = snapshot();
    deliver({ __typename: "StreamReadyEvent", at: AT });
    deliver({ __typename: "StreamReadyEvent", at: AT });
    off();
    expect(ready).toHaveBeenCalledTimes(2);
    expect(snapshot()).toBe(before);
  });
});

describe("the timeline", () => {
  it("merges older pages, catch-up pages and live messages by id, newest first", async () => {
    await load(
      ChatMessagesDocument,
      { id: CHAT, before: "2", first: 30 },
      {
        chat: { __typename: "Chat", id: CHAT, messages: page([message(1, PEER)], false) },
      },
    );
    // a catch-up page after a reconnect: oldest first, overlapping what is there
    await load(
      ChatMessagesDocument,
      { id: CHAT, after: "4", first: 100 },
      {
        chat: { __typename: "Chat", id: CHAT, messages: page([message(5, PEER), message(6, ME)], false) },
      },
    );
    const result = read().messages?.chat.messages;
    expect(result?.nodes.map((one) => one.id)).toEqual(["m6", "m5", "m4", "m3", "m2", "m1"]);
    expect(result?.hasNextPage).toBe(false);
    expect(result?.endCursor).toBe("1");
    // and the live echo of m6 adds nothing
    const before = JSON.stringify(read().messages);
    deliver({ __typename: "MessageSentEvent", at: AT, chatId: CHAT, message: message(6, ME) } as ChatEvent);
    expect(JSON.stringify(read().messages)).toBe(before);
  });

  it("sendMessage's own result and its echo are one row, whichever comes first", async () => {
    const sent = { ...message(6, ME), clientTimestamp: "k1" };
    const variables = { chatId: CHAT, content: "message 6", clientMessageId: "k1", clientTimestamp: "k1" };
    fixtures.set(fixtureKey("SendMessage", variables), { sendMessage: sent });
    deliver({ __typename: "MessageSentEvent", at: AT, chatId: CHAT, message: sent } as ChatEvent);
    const result = await client.mutation(SendMessageDocument, variables).toPromise();
    expect(result.error).toBeUndefined();
    expect(nodes().map((one) => one.id)).toEqual(["m6", "m5", "m4", "m3", "m2"]);
  });
});
