import type { Client } from "@urql/core";
import { connection, onReconnect } from "../graphql/connection.ts";
import {
  ChatEventsDocument,
  ChatMessagesDocument,
  ChatViewerDocument,
  MarkDeliveredDocument,
  SetTypingDocument,
} from "../graphql/generated/graphql.ts";
import { onChatStreamReady } from "./chat.cache.ts";
import { compareCursors } from "./timeline.ts";

/** At most one markDelivered per chat this often (the API coalesces DeliveryEvents to one a second anyway). */
export const DELIVERY_THROTTLE_MS = 1_000;
/** setTyping at most this often while typing (the others show a typist for 5 s after each event). */
export const TYPING_THROTTLE_MS = 3_000;
/** Catch-up page size. */
const CATCH_UP_PAGE = 50;

/**
 * Calls `send(key, value)` at most once per `ms` per key, always with the latest value (trailing), and never with
 * a value older than one already sent (`newer`).
 */
export function throttleLatest<V>(
  ms: number,
  send: (key: string, value: V) => void,
  newer: (a: V, b: V) => boolean = () => true,
) {
  const state = new Map<string, { last: number; sent?: V; queued?: V; timer?: ReturnType<typeof setTimeout> }>();
  const flush = (key: string) => {
    const one = state.get(key);
    if (!one || one.queued === undefined) return;
    const value = one.queued;
    one.queued = undefined;
    one.timer = undefined;
    if (one.sent !== undefined && !newer(value, one.sent)) return;
    one.sent = value;
    one.last = Date.now();
    send(key, value);
  };
  return (key: string, value: V, now = Date.now()) => {
    const one = state.get(key) ?? { last: 0 };
    state.set(key, one);
    if (one.queued !== undefined && !newer(value, one.queued)) return;
    one.queued = value;
    if (one.timer) return;
    const wait = one.last + ms - now;
    if (wait <= 0) flush(key);
    else one.timer = setTimeout(() => flush(key), wait);
  };
}

const byCursor = (a: string, b: string) => compareCursors(a, b) > 0;

let delivered: ((chatId: string, cursor: string) => void) | undefined;
/** I received messages up to `cursor` in a chat (throttled per chat; only forward). */
export function acknowledge(chatId: string, cursor: string): void {
  delivered?.(chatId, cursor);
}

const typingSent = new Map<string, number>();
/** I am typing in a chat: tells the others at most once per TYPING_THROTTLE_MS. */
export function typingNow(client: Client, chatId: string, now = Date.now()): void {
  if (now - (typingSent.get(chatId) ?? 0) < TYPING_THROTTLE_MS) return;
  typingSent.set(chatId, now);
  void client.mutation(SetTypingDocument, { chatId }).toPromise();
}
/** My message went out: the next keystroke may announce typing again at once. */
export const typingDone = (chatId: string) => typingSent.delete(chatId);

/** Open conversations and how to find their newest loaded cursor, for the catch-up after a reconnect. */
const open = new Map<string, () => string | null>();
export function catchUpWhileOpen(chatId: string, newestCursor: () => string | null): () => void {
  open.set(chatId, newestCursor);
  return () => {
    if (open.get(chatId) === newestCursor) open.delete(chatId);
  };
}

const catchingUp = new Set<string>();
/**
 * Fetches what came after `cursor`, oldest first, page by page: the timeline resolver merges the pages by id,
 * so what the live events already brought is not shown twice.
 */
export async function catchUp(client: Client, chatId: string, cursor: string | null): Promise<void> {
  if (catchingUp.has(chatId)) return;
  catchingUp.add(chatId);
  try {
    let after = cursor;
    for (let page = 0; page < 50; page++) {
      const result = await client
        .query(ChatMessagesDocument, after ? { id: chatId, after, first: CATCH_UP_PAGE } : { id: chatId, first: 30 }, {
          requestPolicy: "network-only",
        })
        .toPromise();
      const messages = result.data?.chat.messages;
      if (!messages || !after || !messages.hasNextPage || !messages.endCursor) break;
      after = messages.endCursor;
    }
  } finally {
    catchingUp.delete(chatId);
  }
}

/**
 * The newest message each open conversation had when the connection dropped: the catch-up starts there, even if
 * the client's own refetch of the newest page lands first (which would leave a gap behind a long outage).
 */
const beforeDrop = new Map<string, string | null>();

function catchUpAll(client: Client): void {
  for (const [chatId, newest] of open) {
    const from = beforeDrop.has(chatId) ? (beforeDrop.get(chatId) ?? null) : newest();
    beforeDrop.delete(chatId);
    void catchUp(client, chatId, from);
  }
}

/**
 * The app's one chatEvents subscription (a live feed, started by the layout while signed in). The cache's
 * updater applies every event; here only what is no cache's business: acknowledging received messages, and
 * catching up the open conversations after a reconnect (once the new stream is live).
 */
export function chatEventsFeed(client: Client): () => void {
  const throttled = throttleLatest<string>(
    DELIVERY_THROTTLE_MS,
    (chatId, upTo) => void client.mutation(MarkDeliveredDocument, { chatId, upTo }).toPromise(),
    byCursor,
  );
  delivered = (chatId, cursor) => throttled(chatId, cursor);
  let viewerId: string | undefined;
  const viewer = client.query(ChatViewerDocument, {}).subscribe((result) => {
    viewerId = result.data?.me.id ?? viewerId;
  });
  const events = client.subscription(ChatEventsDocument, {}).subscribe((result) => {
    const event = result.data?.chatEvents;
    if (event?.__typename === "MessageSentEvent" && event.message.sender.id !== viewerId) {
      acknowledge(event.chatId, event.message.cursor);
    }
  });
  const stopConnection = connection.subscribe((state) => {
    if (state !== "offline") return;
    for (const [chatId, newest] of open) if (!beforeDrop.has(chatId)) beforeDrop.set(chatId, newest());
  });
  const stopReady = onChatStreamReady(() => catchUpAll(client));
  const stopReconnect = onReconnect(() => catchUpAll(client));
  return () => {
    events.unsubscribe();
    viewer.unsubscribe();
    stopReady();
    stopReconnect();
    stopConnection();
    beforeDrop.clear();
    delivered = undefined;
  };
}
