import type { Cache, Resolver, UpdateResolver } from "@urql/exchange-graphcache";
import { conversationRead, conversationRemoved, conversationTouched } from "../conversations/conversations.cache.ts";
import { typingStarted, typingStopped } from "../conversations/typing.ts";
import type { DomainCache } from "../graphql/cache.ts";
import {
  type AddReactionMutation,
  type AddReactionMutationVariables,
  type ChatEventsSubscription,
  ChatRolePatchFragmentDoc,
  ChatTitlePatchFragmentDoc,
  type DeleteMessageMutation,
  type DeleteMessageMutationVariables,
  type EditMessageMutation,
  type EditMessageMutationVariables,
  type MarkChatReadMutation,
  type MarkChatReadMutationVariables,
  type MemberRole,
  MessageDeletePatchFragmentDoc,
  MessageEditPatchFragmentDoc,
  MessageReactionsPatchFragmentDoc,
  MessageReceiptPatchFragmentDoc,
  type MessageStatus,
  type RemoveReactionMutation,
  type RemoveReactionMutationVariables,
  type SendMessageMutation,
  type SendMessageMutationVariables,
} from "../graphql/generated/graphql.ts";
import { compareCursors } from "./timeline.ts";

/** One event of `Subscription.chatEvents`, by its __typename. */
export type ChatEvent = ChatEventsSubscription["chatEvents"];
type EventOf<T extends ChatEvent["__typename"]> = Extract<ChatEvent, { __typename: T }>;
type SentMessage = EventOf<"MessageSentEvent">["message"];

// ---------------------------------------------------------------------------------------------------------------
// Reading the cache

const chatKeyOf = (cache: Cache, chatId: string) => cache.keyOfEntity({ __typename: "Chat", id: chatId });
const messageKeyOf = (cache: Cache, id: string) => cache.keyOfEntity({ __typename: "Message", id });
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((one): one is string => typeof one === "string") : [];

/** The signed-in user's id, from whatever `me` query is cached (the conversation page runs ChatViewer). */
export function viewerIdOf(cache: Cache): string | null {
  const me = str(cache.resolve("Query", "me"));
  return me ? str(cache.resolve(me, "id")) : null;
}

interface PageField {
  fieldKey: string;
  /** the page's own key (MessagePage has no id: it is embedded in the chat under the field's key) */
  pageKey: string;
  before: boolean;
  after: boolean;
}

/** Every cached page of a chat's `messages` (offset pages are not part of the timeline). */
function pagesOf(cache: Cache, chatKey: string): PageField[] {
  const pages: PageField[] = [];
  for (const field of cache.inspectFields(chatKey)) {
    if (field.fieldName !== "messages" || field.arguments?.offset) continue;
    const pageKey = str(cache.resolve(chatKey, field.fieldKey));
    if (!pageKey) continue;
    pages.push({
      fieldKey: field.fieldKey,
      pageKey,
      before: !!field.arguments?.before,
      after: !!field.arguments?.after,
    });
  }
  return pages;
}

interface Known {
  key: string;
  id: string;
  cursor: string;
  senderId: string | null;
  isRead: boolean;
  status: MessageStatus | null;
  kind: string | null;
}

/** The chat's loaded messages (every page, deduplicated), newest first. */
function timelineKeys(cache: Cache, chatKey: string): string[] {
  const seen = new Set<string>();
  const keyed: { key: string; cursor: string }[] = [];
  for (const page of pagesOf(cache, chatKey)) {
    for (const key of strings(cache.resolve(page.pageKey, "nodes"))) {
      if (seen.has(key)) continue;
      seen.add(key);
      keyed.push({ key, cursor: str(cache.resolve(key, "cursor")) ?? "" });
    }
  }
  keyed.sort((a, b) => compareCursors(b.cursor, a.cursor));
  return keyed.map((one) => one.key);
}

function known(cache: Cache, key: string): Known {
  const sender = str(cache.resolve(key, "sender"));
  const status = str(cache.resolve(key, "status"));
  return {
    key,
    id: str(cache.resolve(key, "id")) ?? "",
    cursor: str(cache.resolve(key, "cursor")) ?? "",
    senderId: sender ? str(cache.resolve(sender, "id")) : null,
    isRead: cache.resolve(key, "isRead") === true,
    status: status === "SENT" || status === "DELIVERED" || status === "READ" ? status : null,
    kind: str(cache.resolve(key, "kind")),
  };
}

const chatKindOf = (cache: Cache, chatId: string, keys: readonly string[]) =>
  str(cache.resolve(chatKeyOf(cache, chatId) ?? "", "kind")) ??
  (keys[0] ? str(cache.resolve(keys[0], "chatKind")) : null);

// ---------------------------------------------------------------------------------------------------------------
// Listeners outside the cache (the conversation page): receipts of a group to refresh, catch-up, chats gone.

type ChatListener = (chatId: string) => void;
const receiptListeners = new Set<ChatListener>();
const goneListeners = new Set<ChatListener>();
const readyListeners = new Set<() => void>();
const on = <T>(set: Set<T>, fn: T) => {
  set.add(fn);
  return () => {
    set.delete(fn);
  };
};
/** A group's receipts moved by someone else's read or delivery: counts per message are the server's to tell. */
export const onReceiptsStale = (fn: ChatListener) => on(receiptListeners, fn);
/** The group was deleted, or I was taken out of it. */
export const onChatGone = (fn: ChatListener) => on(goneListeners, fn);
/** chatEvents is live (first event of each subscription): catching up by cursor now leaves no gap. */
export const onChatStreamReady = (fn: () => void) => on(readyListeners, fn);

// ---------------------------------------------------------------------------------------------------------------
// One function per event type, called by the subscription and by the matching mutation's result alike.
// Applying any of them twice changes nothing the second time.

/** A new message (MessageSentEvent, sendMessage's result, a group change's system message). */
export function messageSent(cache: Cache, message: SentMessage, listed = true): void {
  const chatKey = chatKeyOf(cache, message.chatId);
  const key = messageKeyOf(cache, message.id);
  if (!chatKey || !key) return;
  for (const page of pagesOf(cache, chatKey)) {
    if (page.before || page.after) continue;
    const nodes = strings(cache.resolve(page.pageKey, "nodes"));
    if (nodes.includes(key)) continue;
    cache.link(page.pageKey, "nodes", [key, ...nodes]);
  }
  typingStopped(message.chatId, message.sender.id);
  if (listed) conversationTouched(cache, message.chatId, message);
}

export function messageEdited(
  cache: Cache,
  event: Pick<EventOf<"MessageEditedEvent">, "messageId" | "content" | "editedAt">,
): void {
  cache.writeFragment(MessageEditPatchFragmentDoc, {
    id: event.messageId,
    content: event.content,
    editedAt: event.editedAt,
  });
}

/** The message becomes a tombstone in its place: empty content, no reactions, no attachments. */
export function messageDeleted(
  cache: Cache,
  event: Pick<EventOf<"MessageDeletedEvent">, "messageId" | "deletedAt">,
): void {
  cache.writeFragment(MessageDeletePatchFragmentDoc, {
    id: event.messageId,
    content: "",
    deletedAt: event.deletedAt,
    reactions: [],
    attachments: [],
  });
}

/** The message's reactions as the viewer sees them (ReactionEvent, addReaction's and removeReaction's results). */
export function reactionChanged(cache: Cache, event: Pick<EventOf<"ReactionEvent">, "messageId" | "reactions">): void {
  cache.writeFragment(MessageReactionsPatchFragmentDoc, {
    id: event.messageId,
    reactions: event.reactions.map((one) => ({ __typename: "Reaction", ...one })),
  });
}

/** The legacy like: every like change also comes as a ReactionEvent (❤️), which carries the state. */
export function messageLiked(_cache: Cache, _event: EventOf<"MessageLikedEvent">): void {}

const RANK: Record<MessageStatus, number> = { SENT: 0, DELIVERED: 1, READ: 2 };

/** In a DIRECT chat the peer's positions give my messages' statuses; in a group the server counts. */
function receiptsMoved(
  cache: Cache,
  chatId: string,
  byUserId: string,
  positions: { delivered?: string; read?: string; one?: string },
): void {
  const viewerId = viewerIdOf(cache);
  const chatKey = chatKeyOf(cache, chatId);
  if (!chatKey) return;
  const keys = timelineKeys(cache, chatKey);
  if (byUserId === viewerId) {
    // my own read position (this tab or another): others' messages up to it are read
    for (const key of keys) {
      const m = known(cache, key);
      const upTo = positions.one
        ? m.id === positions.one
        : positions.read && compareCursors(m.cursor, positions.read) <= 0;
      if (!upTo || m.isRead || m.senderId === viewerId) continue;
      cache.writeFragment(MessageReceiptPatchFragmentDoc, {
        id: m.id,
        isRead: true,
        status: m.status,
        receipts: receiptsOf(cache, key),
      });
    }
    if (positions.read) recountUnread(cache, chatId, chatKey, keys, positions.read, viewerId);
    return;
  }
  if (chatKindOf(cache, chatId, keys) !== "DIRECT") {
    for (const fn of receiptListeners) fn(chatId);
    return;
  }
  for (const key of keys) {
    const m = known(cache, key);
    if (m.senderId !== viewerId || m.status === null) continue;
    const read = positions.one
      ? m.id === positions.one
      : !!positions.read && compareCursors(m.cursor, positions.read) <= 0;
    const delivered = read || (!!positions.delivered && compareCursors(m.cursor, positions.delivered) <= 0);
    const status: MessageStatus = read ? "READ" : delivered ? "DELIVERED" : "SENT";
    if (RANK[status] <= RANK[m.status]) continue;
    cache.writeFragment(MessageReceiptPatchFragmentDoc, {
      id: m.id,
      isRead: read || m.isRead,
      status,
      receipts: receiptCounts(1, read ? 1 : 0),
    });
  }
}

const receiptCounts = (deliveredCount: number, readCount: number) => ({
  __typename: "MessageReceipts" as const,
  deliveredCount,
  readCount,
});

function receiptsOf(cache: Cache, key: string) {
  const receipts = str(cache.resolve(key, "receipts"));
  const count = (field: string) => {
    const value = receipts ? cache.resolve(receipts, field) : 0;
    return typeof value === "number" ? value : 0;
  };
  return receiptCounts(count("deliveredCount"), count("readCount"));
}

/** My read position moved to `cursor`: what stays unread is what others sent after it. */
function recountUnread(
  cache: Cache,
  chatId: string,
  chatKey: string,
  keys: readonly string[],
  cursor: string,
  viewerId: string | null,
): void {
  const unread = cache.resolve(chatKey, "unreadCount");
  if (typeof unread !== "number" || unread === 0) return;
  const last = str(cache.resolve(chatKey, "lastMessage"));
  const lastCursor = last ? str(cache.resolve(last, "cursor")) : null;
  const newestLoaded = keys[0] ? known(cache, keys[0]).cursor : null;
  let count: number | null = null;
  if (lastCursor && compareCursors(lastCursor, cursor) <= 0) count = 0;
  else if (newestLoaded && (!lastCursor || compareCursors(newestLoaded, lastCursor) >= 0)) {
    count = 0;
    for (const key of keys) {
      const m = known(cache, key);
      if (compareCursors(m.cursor, cursor) <= 0) break;
      if (m.senderId !== viewerId && m.kind === "TEXT" && !m.isRead) count++;
    }
  }
  // unknown (the newest messages are not loaded): conversationRead has the count fetched again
  if (count === null || count < unread) conversationRead(cache, chatId, count ?? undefined);
}

export function chatRead(cache: Cache, event: Pick<EventOf<"ChatReadEvent">, "chatId" | "byUserId" | "cursor">): void {
  receiptsMoved(cache, event.chatId, event.byUserId, { read: event.cursor });
}

export function messageRead(
  cache: Cache,
  event: Pick<EventOf<"MessageReadEvent">, "chatId" | "byUserId" | "messageId">,
): void {
  receiptsMoved(cache, event.chatId, event.byUserId, { one: event.messageId });
}

export function delivery(
  cache: Cache,
  event: Pick<EventOf<"DeliveryEvent">, "chatId" | "byUserId" | "deliveredCursor" | "readCursor">,
): void {
  receiptsMoved(cache, event.chatId, event.byUserId, { delivered: event.deliveredCursor, read: event.readCursor });
}

/** A group change: its SYSTEM message joins the history, the title follows, and members are fetched again. */
export function groupChanged(cache: Cache, event: EventOf<"GroupChangedEvent">): void {
  // a change that took me out leaves its message in the history I still see, not in my lists
  messageSent(cache, event.message, !event.removedMe);
  cache.writeFragment(ChatTitlePatchFragmentDoc, { id: event.chatId, title: event.title });
  const chatKey = chatKeyOf(cache, event.chatId);
  if (chatKey) {
    for (const field of cache.inspectFields(chatKey)) {
      if (field.fieldName === "members") cache.invalidate(chatKey, field.fieldName, field.arguments ?? undefined);
    }
  }
  const role = myNewRole(event.message.system, viewerIdOf(cache));
  if (role) cache.writeFragment(ChatRolePatchFragmentDoc, { id: event.chatId, myRole: role });
  if (event.removedMe) {
    conversationRemoved(cache, event.chatId);
    for (const fn of goneListeners) fn(event.chatId);
  }
}

function myNewRole(change: SentMessage["system"], viewerId: string | null): MemberRole | null {
  if (!change || !viewerId) return null;
  const aboutMe = change.users.some((one) => one.id === viewerId);
  if (change.action === "ROLE_CHANGED" && aboutMe) return change.role;
  if (change.action === "OWNERSHIP_TRANSFERRED")
    return aboutMe ? "OWNER" : change.actor.id === viewerId ? "ADMIN" : null;
  return null;
}

export function groupDeleted(cache: Cache, event: Pick<EventOf<"GroupDeletedEvent">, "chatId">): void {
  conversationRemoved(cache, event.chatId);
  for (const fn of goneListeners) fn(event.chatId);
}

/** Ephemeral: a store, not the cache (my own typing, echoed to my other sockets, is not shown). */
export function typing(cache: Cache, event: EventOf<"TypingEvent">): void {
  if (event.user.id === viewerIdOf(cache)) return;
  typingStarted(event.chatId, event.user);
}

export function streamReady(_cache: Cache, _event: EventOf<"StreamReadyEvent">): void {
  for (const fn of readyListeners) fn();
}

/** The one Subscription.chatEvents updater: one function per event type. */
export function applyChatEvent(cache: Cache, event: ChatEvent): void {
  switch (event.__typename) {
    case "MessageSentEvent":
      messageSent(cache, event.message);
      break;
    case "MessageEditedEvent":
      messageEdited(cache, event);
      break;
    case "MessageDeletedEvent":
      messageDeleted(cache, event);
      break;
    case "ReactionEvent":
      reactionChanged(cache, event);
      break;
    case "MessageLikedEvent":
      messageLiked(cache, event);
      break;
    case "ChatReadEvent":
      chatRead(cache, event);
      break;
    case "MessageReadEvent":
      messageRead(cache, event);
      break;
    case "DeliveryEvent":
      delivery(cache, event);
      break;
    case "GroupChangedEvent":
      groupChanged(cache, event);
      break;
    case "GroupDeletedEvent":
      groupDeleted(cache, event);
      break;
    case "TypingEvent":
      typing(cache, event);
      break;
    case "StreamReadyEvent":
      streamReady(cache, event);
      break;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The timeline resolver: `messages` without a cursor is every cached page of the chat, merged by id, newest first,
// so older pages (`before:`), catch-up pages (`after:`) and live messages all show in one list.

const timeline: Resolver = (_parent, args, cache, info) => {
  if (args.before || args.after || args.offset) return cache.resolve(info.parentKey, info.parentFieldKey);
  const base = str(cache.resolve(info.parentKey, info.parentFieldKey));
  if (!base) return undefined;
  const pages = pagesOf(cache, info.parentKey);
  const nodes = timelineKeys(cache, info.parentKey);
  const oldest = nodes.at(-1);
  const oldestCursor = oldest ? str(cache.resolve(oldest, "cursor")) : null;
  // more history exists if the page that reached furthest back said so
  let hasNextPage = cache.resolve(base, "hasNextPage") === true;
  let furthest: string | null = str(cache.resolve(base, "endCursor"));
  for (const page of pages) {
    if (page.after) continue;
    const end = str(cache.resolve(page.pageKey, "endCursor"));
    if (end && (!furthest || compareCursors(end, furthest) < 0)) {
      furthest = end;
      hasNextPage = cache.resolve(page.pageKey, "hasNextPage") === true;
    }
  }
  return {
    __typename: "MessagePage",
    nodes,
    endCursor: oldestCursor,
    hasNextPage,
    totalCount: cache.resolve(base, "totalCount") ?? nodes.length,
  };
};

// ---------------------------------------------------------------------------------------------------------------

const sendMessage: UpdateResolver<SendMessageMutation, SendMessageMutationVariables> = (result, _args, cache) => {
  if (result.sendMessage) messageSent(cache, result.sendMessage);
};
const editMessage: UpdateResolver<EditMessageMutation, EditMessageMutationVariables> = (result, _args, cache) => {
  const m = result.editMessage;
  if (m) messageEdited(cache, { messageId: m.id, content: m.content, editedAt: m.editedAt ?? "" });
};
const deleteMessage: UpdateResolver<DeleteMessageMutation, DeleteMessageMutationVariables> = (result, _args, cache) => {
  const m = result.deleteMessage;
  if (m?.deletedAt) messageDeleted(cache, { messageId: m.id, deletedAt: m.deletedAt });
};
const addReaction: UpdateResolver<AddReactionMutation, AddReactionMutationVariables> = (result, _args, cache) => {
  const m = result.addReaction;
  if (m) reactionChanged(cache, { messageId: m.id, reactions: m.reactions });
};
const removeReaction: UpdateResolver<RemoveReactionMutation, RemoveReactionMutationVariables> = (
  result,
  _args,
  cache,
) => {
  const m = result.removeReaction;
  if (m) reactionChanged(cache, { messageId: m.id, reactions: m.reactions });
};
const markChatRead: UpdateResolver<MarkChatReadMutation, MarkChatReadMutationVariables> = (result, args, cache) => {
  const viewerId = viewerIdOf(cache);
  const chatKey = chatKeyOf(cache, args.chatId);
  if (!result.markChatRead || !viewerId || !chatKey) return;
  const newest = timelineKeys(cache, chatKey)[0];
  const cursor = args.upTo ?? (newest ? known(cache, newest).cursor : null);
  if (cursor) chatRead(cache, { chatId: args.chatId, byUserId: viewerId, cursor });
};
const chatEvents: UpdateResolver<ChatEventsSubscription> = (result, _args, cache) => {
  if (result.chatEvents) applyChatEvent(cache, result.chatEvents);
};

export const chatCache: DomainCache = {
  updates: {
    Mutation: { sendMessage, editMessage, deleteMessage, addReaction, removeReaction, markChatRead },
    Subscription: { chatEvents },
  },
  resolvers: { Chat: { messages: timeline } },
};
