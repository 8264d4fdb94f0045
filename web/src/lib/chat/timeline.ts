import { dayLabel } from "../ui/time.ts";

/**
 * Pure helpers for the conversation's timeline: ordering by cursor, grouping, date separators, the unread divider.
 * No runes, no DOM: the unit tests import them.
 */

/** Cursors are opaque to the API's clients, but they order the history: compare them as numbers when they are. */
export function compareCursors(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The few fields the timeline needs of a message. */
export interface TimelineMessage {
  id: string;
  cursor: string;
  createdAt: string;
  kind: "SYSTEM" | "TEXT";
  sender: { id: string };
}

/** A row of the virtual list: one message (with the separators before it) or one pending send. */
export type Row<M> =
  | { type: "message"; key: string; message: M; grouped: boolean; dateLabel: string | null; unreadBefore: boolean }
  | { type: "pending"; key: string; pending: PendingRow; dateLabel: string | null };

export interface PendingRow {
  clientMessageId: string;
  chatId: string;
  content: string;
  attachmentIds: readonly string[];
  createdAt: string;
  state: "pending" | "failed";
  error?: string;
}

/** Messages of one sender within this many minutes share one name and avatar. */
export const GROUP_WINDOW_MS = 5 * 60_000;

const dayKey = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

/**
 * The rows, oldest first, one per message (so loading older history only adds rows at the start, and the list
 * keeps its place): a message carries the date separator when it starts a new day and the unread divider when
 * it is `firstUnreadId`; it is grouped with the previous one when the same person sent both within
 * GROUP_WINDOW_MS (never across a separator or a system message). The pending sends come last.
 */
export function buildRows<M extends TimelineMessage>(
  messagesOldestFirst: readonly M[],
  firstUnreadId: string | null,
  pending: readonly PendingRow[] = [],
  now = new Date(),
): Row<M>[] {
  const rows: Row<M>[] = [];
  let previous: M | undefined;
  let lastDay = "";
  for (const message of messagesOldestFirst) {
    const day = dayKey(message.createdAt);
    const dateLabel = day !== lastDay ? dayLabel(message.createdAt, now.getTime()) : null;
    lastDay = day;
    const unreadBefore = message.id === firstUnreadId;
    const grouped =
      dateLabel === null &&
      !unreadBefore &&
      previous !== undefined &&
      previous.kind === "TEXT" &&
      message.kind === "TEXT" &&
      previous.sender.id === message.sender.id &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
    rows.push({ type: "message", key: message.id, message, grouped, dateLabel, unreadBefore });
    previous = message;
  }
  for (const one of pending) {
    const day = dayKey(one.createdAt);
    const dateLabel = day !== lastDay ? dayLabel(one.createdAt, now.getTime()) : null;
    lastDay = day;
    rows.push({ type: "pending", key: `pending:${one.clientMessageId}`, pending: one, dateLabel });
  }
  return rows;
}

/**
 * Where the reader's unread began when they opened the chat: `unreadCount` messages from others (TEXT, sender not
 * blocked) counted back from the newest. Null when nothing was unread, or when the loaded history does not reach
 * that far yet (`complete: false`: load older pages to find it).
 */
export function firstUnread<M extends TimelineMessage & { senderBlockedByMe?: boolean; deletedAt?: string | null }>(
  messagesOldestFirst: readonly M[],
  viewerId: string,
  unreadCount: number,
): { id: string | null; complete: boolean } {
  if (unreadCount <= 0) return { id: null, complete: true };
  let counted = 0;
  for (let i = messagesOldestFirst.length - 1; i >= 0; i--) {
    const message = messagesOldestFirst[i];
    if (message?.kind !== "TEXT" || message.sender.id === viewerId || message.senderBlockedByMe) continue;
    counted++;
    if (counted === unreadCount) return { id: message.id, complete: true };
  }
  return { id: null, complete: false };
}

/** Whether a message is still editable by its sender (the API allows 15 minutes). */
export const EDIT_WINDOW_MS = 15 * 60_000;
export const canEdit = (createdAt: string, now = Date.now()) => now - Date.parse(createdAt) < EDIT_WINDOW_MS - 5_000;
