import type { Cache, DataField, FieldArgs } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import {
  type ChatKind,
  ConversationActivityFragmentDoc,
  ConversationUnreadFragmentDoc,
} from "../graphql/generated/graphql.ts";

/**
 * The conversation list's part of the cache. The chat domain's single `chatEvents` updater (chat.cache.ts)
 * calls these plain functions; they only touch the cached `Query.chats` pages and the Chat entities in them.
 * Every function is idempotent: applying an event twice changes nothing the second time.
 */

/** What conversationTouched needs of a message (`...ConversationMessage` selects it all). */
export interface TouchingMessage {
  __typename?: "Message";
  id: string;
  createdAt: string;
  chatKind?: ChatKind;
  kind?: "TEXT" | "SYSTEM";
  deletedAt?: string | null;
  senderBlockedByMe?: boolean;
  sender?: { id: string } | null;
}

interface ListPage {
  /** The embedded ChatPage's key (`Query.chats({...})`). */
  key: string;
  args: FieldArgs;
  offset: number;
  kind: unknown;
  nodes: string[];
}

const chatKeyOf = (cache: Cache, chatId: string) => cache.keyOfEntity({ __typename: "Chat", id: chatId }) ?? "";

/** Every cached page of `Query.chats`, whatever its selection (a chat list, a picker, another screen). */
function listPages(cache: Cache): ListPage[] {
  const pages: ListPage[] = [];
  for (const field of cache.inspectFields("Query")) {
    if (field.fieldName !== "chats") continue;
    const args = field.arguments ?? {};
    const key = cache.resolve("Query", "chats", args);
    if (typeof key !== "string") continue;
    const nodes = cache.resolve(key, "nodes");
    if (!Array.isArray(nodes)) continue;
    pages.push({
      key,
      args,
      offset: typeof args.offset === "number" ? args.offset : 0,
      kind: args.kind ?? null,
      nodes: nodes.filter((node: DataField): node is string => typeof node === "string"),
    });
  }
  return pages;
}

/** The viewer's id, as the `me` query put it in the cache; undefined before it answered. */
function viewerId(cache: Cache): string | undefined {
  const me = cache.resolve("Query", "me");
  if (typeof me !== "string") return undefined;
  const id = cache.resolve(me, "id");
  return typeof id === "string" ? id : undefined;
}

const str = (value: DataField | undefined) => (typeof value === "string" ? value : undefined);

/**
 * A message arrived in a chat (MessageSentEvent, the sendMessage result, a GroupChangedEvent's SYSTEM message):
 * it becomes the chat's last message, the chat's activity moves to it and the chat goes first in the cached
 * lists. A chat no cached list shows (new to me) makes the lists refetch. A message from someone else counts
 * one more unread (TEXT, not deleted, sender not blocked), once: only when it is newer than the last message.
 * An older or already known message changes nothing.
 */
export function conversationTouched(cache: Cache, chatId: string, message: TouchingMessage): void {
  const chatKey = chatKeyOf(cache, chatId);
  const messageKey = cache.keyOfEntity({ __typename: "Message", id: message.id });
  if (!messageKey) return;
  const lastKey = str(cache.resolve(chatKey, "lastMessage"));
  // already applied (also when the chat has left the lists since: a GroupChangedEvent that removed me)
  if (lastKey === messageKey) return;
  const pages = listPages(cache);
  const listed = pages.some((page) => page.nodes.includes(chatKey));
  if (!listed) {
    // unknown to every list: its row's fields are not in the cache, so ask the server for the lists again
    for (const page of pages) cache.invalidate("Query", "chats", page.args);
    noteUnseen(chatId, message);
    return;
  }

  if (lastKey) {
    const lastAt = str(cache.resolve(lastKey, "createdAt"));
    if (lastAt && lastAt > message.createdAt) return;
  }

  cache.link(chatKey, "lastMessage", messageKey);
  noteUnseen(chatId, message);
  const activityAt = str(cache.resolve(chatKey, "activityAt"));
  const unread = cache.resolve(chatKey, "unreadCount");
  const me = viewerId(cache);
  const fromOther = message.sender != null && me !== undefined && message.sender.id !== me;
  const counts =
    fromOther &&
    message.kind !== "SYSTEM" &&
    !message.deletedAt &&
    message.senderBlockedByMe !== true &&
    !blocked(cache, chatKey);
  cache.writeFragment(ConversationActivityFragmentDoc, {
    id: chatId,
    activityAt: activityAt && activityAt > message.createdAt ? activityAt : message.createdAt,
  });
  if (typeof unread !== "number" || me === undefined) cache.invalidate(chatKey, "unreadCount");
  else if (counts) cache.writeFragment(ConversationUnreadFragmentDoc, { id: chatId, unreadCount: unread + 1 });

  const kind = message.chatKind ?? str(cache.resolve(chatKey, "kind"));
  for (const page of pages) {
    const without = page.nodes.filter((node) => node !== chatKey);
    const first = page.offset === 0 && (page.kind === null || page.kind === kind);
    const next = first ? [chatKey, ...without] : without;
    if (!sameList(next, page.nodes)) cache.link(page.key, "nodes", next);
  }
}

/**
 * A chat was opened or created by me (openChat, createGroup): shown first when it is new to the lists (a new
 * chat is the most recent activity); a chat already listed keeps its place.
 */
export function conversationOpened(cache: Cache, chatId: string): void {
  const chatKey = chatKeyOf(cache, chatId);
  const pages = listPages(cache);
  if (pages.length === 0 || pages.some((page) => page.nodes.includes(chatKey))) return;
  const kind = str(cache.resolve(chatKey, "kind"));
  if (!kind || cache.resolve(chatKey, "activityAt") === undefined) {
    for (const page of pages) cache.invalidate("Query", "chats", page.args);
    return;
  }
  for (const page of pages) {
    if (page.offset !== 0 || (page.kind !== null && page.kind !== kind)) continue;
    cache.link(page.key, "nodes", [chatKey, ...page.nodes]);
  }
}

/** A chat is gone for me (GroupDeletedEvent, GroupChangedEvent with removedMe, leaveGroup, deleteGroup). */
export function conversationRemoved(cache: Cache, chatId: string): void {
  const chatKey = chatKeyOf(cache, chatId);
  for (const page of listPages(cache)) {
    if (!page.nodes.includes(chatKey)) continue;
    cache.link(
      page.key,
      "nodes",
      page.nodes.filter((node) => node !== chatKey),
    );
  }
}

/**
 * My read position moved in a chat. `unreadCount` when the caller knows it (markChatRead's result selects
 * Chat.unreadCount, which graphcache writes by itself); otherwise (a ChatReadEvent of mine from another tab) the
 * count is refetched. Read positions of others change nothing here.
 */
export function conversationRead(cache: Cache, chatId: string, unreadCount?: number): void {
  const chatKey = chatKeyOf(cache, chatId);
  if (unreadCount === undefined) {
    cache.invalidate(chatKey, "unreadCount");
    return;
  }
  if (cache.resolve(chatKey, "unreadCount") === unreadCount) return;
  cache.writeFragment(ConversationUnreadFragmentDoc, { id: chatId, unreadCount });
}

/** The ChatReadEvent helper: only my own read position concerns my unread counts. */
export function chatReadBy(cache: Cache, chatId: string, byUserId: string): void {
  const me = viewerId(cache);
  if (me !== undefined && byUserId !== me) return;
  conversationRead(cache, chatId);
}

function blocked(cache: Cache, chatKey: string): boolean {
  return cache.resolve(chatKey, "isBlockedByMe") === true || cache.resolve(chatKey, "hasBlockedMe") === true;
}

/**
 * The latest message of each chat touched lately, until a list shows it. A list fetched again while events come
 * in may answer from before one of them and overwrite it in the cache (a burst in a new chat: the second message
 * arrives while the lists are fetched again for the first; a refetch after a presence or chat stream became
 * live), so the list view checks the rows it gets against these (`unseenMessages`) and fetches again while one
 * is missing. In the usual case the cache's own answer right after the event shows it, and it is forgotten.
 */
const unseen = new Map<string, { id: string; createdAt: string; tries: number }>();
const MAX_UNSEEN = 100;
const MAX_TRIES = 3;

function noteUnseen(chatId: string, message: TouchingMessage): void {
  const known = unseen.get(chatId);
  if (known && known.createdAt >= message.createdAt) return;
  unseen.set(chatId, { id: message.id, createdAt: message.createdAt, tries: known?.tries ?? 0 });
  if (unseen.size > MAX_UNSEEN) {
    const oldest = unseen.keys().next().value;
    if (oldest !== undefined) unseen.delete(oldest);
  }
}

/**
 * Whether `rows` (the first page of a list) still miss a message touched lately: then fetch the list again. A
 * message that shows is forgotten; one that never does (the chat is not listed for me) after MAX_TRIES answers.
 */
export function unseenMessages(
  rows: readonly { id: string; lastMessage?: { id: string; createdAt: string } | null }[],
): boolean {
  let missing = false;
  for (const [chatId, message] of unseen) {
    const row = rows.find((one) => one.id === chatId);
    const last = row?.lastMessage;
    if (last && (last.id === message.id || last.createdAt >= message.createdAt)) {
      unseen.delete(chatId);
      continue;
    }
    message.tries += 1;
    if (message.tries > MAX_TRIES) unseen.delete(chatId);
    else missing = true;
  }
  return missing;
}

/** Tests: forget the unseen messages. */
export const forgetUnseen = () => unseen.clear();

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, index) => value === b[index]);

/** openChat and createGroup: the new conversation appears in the list at once. */
export const conversationsCache: DomainCache = {
  updates: {
    Mutation: {
      openChat: (result, _args, cache) => {
        const payload = result.openChat;
        const id = payload && typeof payload === "object" && "chat" in payload ? chatIdOf(payload.chat) : undefined;
        if (id) conversationOpened(cache, id);
      },
      createGroup: (result, _args, cache) => {
        const id = chatIdOf(result.createGroup);
        if (id) conversationOpened(cache, id);
      },
    },
  },
};

function chatIdOf(value: unknown): string | undefined {
  if (value && typeof value === "object" && "id" in value && typeof value.id === "string") return value.id;
  return undefined;
}
