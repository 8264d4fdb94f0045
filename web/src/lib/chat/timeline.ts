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

/** A row of the virtual list. */
export type Row<M> =
  | { type: "date"; key: string; label: string }
  | { type: "unread"; key: string }
  | { type: "message"; key: string; message: M; grouped: boolean }
  | { type: "pending"; key: string; pending: PendingRow };

export interface PendingRow {
  clientMessageId: string;
  chatId: string;
  content: string;
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

/** "Today", "Yesterday", or the date in the reader's locale. */
export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return "Yesterday";
  return d.toLocaleDateString(undefined, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}

/**
 * The rows, oldest first: a date separator at each new day, the unread divider before `firstUnreadId`, messages
 * grouped with the previous one when the same person sent both within GROUP_WINDOW_MS (never across a separator
 * or a system message), then the pending sends.
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
    let separated = false;
    if (day !== lastDay) {
      rows.push({ type: "date", key: `date:${day}`, label: dayLabel(message.createdAt, now) });
      lastDay = day;
      separated = true;
    }
    if (message.id === firstUnreadId) {
      rows.push({ type: "unread", key: "unread" });
      separated = true;
    }
    const grouped =
      !separated &&
      previous !== undefined &&
      previous.kind === "TEXT" &&
      message.kind === "TEXT" &&
      previous.sender.id === message.sender.id &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
    rows.push({ type: "message", key: message.id, message, grouped });
    previous = message;
  }
  for (const one of pending) {
    const day = dayKey(one.createdAt);
    if (day !== lastDay) {
      rows.push({ type: "date", key: `date:${day}`, label: dayLabel(one.createdAt, now) });
      lastDay = day;
    }
    rows.push({ type: "pending", key: `pending:${one.clientMessageId}`, pending: one });
  }
  return rows;
}

/**
 * Where the reader's unread begins: the oldest message from someone else that is not read, if every message after
 * it is loaded (so among `messagesOldestFirst`). Null when nothing is unread.
 */
export function firstUnread<M extends TimelineMessage & { isRead: boolean }>(
  messagesOldestFirst: readonly M[],
  viewerId: string,
): string | null {
  for (const message of messagesOldestFirst) {
    if (message.kind === "TEXT" && message.sender.id !== viewerId && !message.isRead) return message.id;
  }
  return null;
}
