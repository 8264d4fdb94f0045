import { Prisma, type PrismaClient } from "@parley/db";
import { readByBlockSql } from "./chat.blocking.ts";

/**
 * Read state is one position per member (chat_members.read_seq): everything up to it is read by that member.
 * What is read and what is unread derive from it here, once, as SQL fragments every query uses; nothing else
 * stores read state. DIRECT: a message is read when its receiver's position reached it (as legacy is_read),
 * or while a block separates the pair. GROUP: read for the viewer when they sent it, their position reached it,
 * or they blocked its sender. Unread: TEXT messages from others, not deleted, that the member has not read.
 */

/** SQL: message row `m` of chat row `c` is read, as the user id expression `viewer` sees it. */
export function isReadSql(c: string, m: string, viewer: string): string {
  const position = (user: string) =>
    `coalesce((SELECT read_seq FROM chat_members reader WHERE reader.chat_id = ${m}.chat_id AND ${user} LIMIT 1), 0)`;
  return `CASE WHEN ${c}.kind = 'DIRECT'
      THEN ${m}.seq <= ${position(`reader.user_id <> ${m}.sender_id`)} OR ${readByBlockSql(c, m, viewer)}
      ELSE ${m}.sender_id = ${viewer} OR ${m}.seq <= ${position(`reader.user_id = ${viewer}`)} OR ${readByBlockSql(c, m, viewer)}
    END`;
}

/** SQL: message row `m` is unread for the member row `cm` of chat row `c` (join condition on messages). */
export function unreadSql(cm: string, c: string, m: string): string {
  return `${m}.chat_id = ${cm}.chat_id AND ${m}.seq > ${cm}.read_seq AND ${m}.sender_id <> ${cm}.user_id
    AND ${m}.kind = 'TEXT' AND ${m}.deleted_at IS NULL AND NOT ${readByBlockSql(c, m, `${cm}.user_id`)}`;
}

export interface StatsRequest {
  chatId: string;
  viewerId: string;
}

export interface ChatStats {
  /** every message of the chat, system messages included */
  total: number;
  /** unread for the viewer */
  unread: number;
}

/** Message and unread counts of many chats, each for its viewer, in one statement. */
export async function loadChatStats(prisma: PrismaClient, requests: readonly StatsRequest[]): Promise<ChatStats[]> {
  const input = JSON.stringify(requests.map((request, index) => ({ ...request, request: index })));
  const rows = await prisma.$queryRaw<{ request: number; total: number; unread: number }[]>(Prisma.sql`
    SELECT r.request,
      (SELECT count(*)::int FROM messages WHERE chat_id = r."chatId") AS total,
      (SELECT count(*)::int FROM chat_members cm JOIN chats c ON c.id = cm.chat_id
        JOIN messages m ON ${Prisma.raw(unreadSql("cm", "c", "m"))}
        WHERE cm.chat_id = r."chatId" AND cm.user_id = r."viewerId") AS unread
    FROM jsonb_to_recordset(${input}::jsonb) AS r(request int, "chatId" uuid, "viewerId" uuid)`);
  const byRequest = new Map(rows.map((row) => [row.request, row]));
  return requests.map((_request, index) => byRequest.get(index) ?? { total: 0, unread: 0 });
}

export interface UnreadTotals {
  messages: number;
  conversations: number;
}

/** Unread messages and conversations with unread messages of many viewers, in one statement. */
export async function loadUnreadTotals(prisma: PrismaClient, viewerIds: readonly string[]): Promise<UnreadTotals[]> {
  const rows = await prisma.$queryRaw<{ viewer: string; messages: number; conversations: number }[]>(Prisma.sql`
    SELECT cm.user_id::text AS viewer, count(*)::int AS messages, count(DISTINCT cm.chat_id)::int AS conversations
    FROM chat_members cm JOIN chats c ON c.id = cm.chat_id JOIN messages m ON ${Prisma.raw(unreadSql("cm", "c", "m"))}
    WHERE cm.user_id = ANY(${[...new Set(viewerIds)]}::uuid[])
    GROUP BY cm.user_id`);
  const byViewer = new Map(rows.map((row) => [row.viewer, row]));
  return viewerIds.map((id) => byViewer.get(id) ?? { messages: 0, conversations: 0 });
}
