import { Prisma, type PrismaClient } from "@parley/db";
import { blocksSql } from "../users/blocks.ts";
import type { MessagePayload } from "./chat.events.ts";
import { memberSql } from "./chat.members.ts";
import { likedSql } from "./reactions/liked.ts";
import { isReadSql } from "./read-state.ts";

/** One chat's page: `after` reads forward (oldest first), else backward from `before` (newest first). */
export interface PageRequest {
  chatId: string;
  /** read state and block flags are the viewer's */
  viewerId: string;
  after: number | null;
  before: number | null;
  skip: number;
  take: number;
}

interface PageRow extends Omit<MessagePayload, "sender" | "createdAt" | "editedAt" | "deletedAt"> {
  request: number;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  username: string;
  nickname: string;
  avatar: string | null;
  elo: number;
}

const READ = Prisma.raw(isReadSql("c", "m", 'r."viewerId"'));
/** only a member's requests get rows: pages are never read past the participant rule */
const MEMBER = Prisma.raw(memberSql("c", 'r."viewerId"'));
const SENDER_BLOCKED = Prisma.raw(blocksSql('r."viewerId"', "m.sender_id"));

/**
 * The pages of many chats in one statement, each bounded by its own LIMIT on the (chat_id, seq) index (a
 * Prisma nested `take` would read every message of every chat and cut the pages in memory).
 */
export async function loadMessagePages(
  prisma: PrismaClient,
  requests: readonly PageRequest[],
): Promise<MessagePayload[][]> {
  const input = JSON.stringify(requests.map((request, index) => ({ ...request, request: index })));
  const rows = await prisma.$queryRaw<PageRow[]>(Prisma.sql`
    SELECT r.request, m.id, m.chat_id AS "chatId", c.kind::text AS "chatKind", m.seq, m.kind::text AS kind,
      m.system, m.sender_id AS "senderId", m.content, m.client_timestamp AS "clientTimestamp",
      m.created_at AS "createdAt", ${READ} AS "isRead", ${SENDER_BLOCKED} AS "senderBlockedByMe",
      ${likedSql("m")} AS "isLiked", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt", u.username, u.nickname, u.avatar, u.elo
    FROM jsonb_to_recordset(${input}::jsonb)
      AS r(request int, "chatId" uuid, "viewerId" uuid, after int, before int, skip int, take int)
    JOIN chats c ON c.id = r."chatId" AND ${MEMBER}
    CROSS JOIN LATERAL (
      (SELECT * FROM messages WHERE r.after IS NOT NULL AND chat_id = r."chatId" AND seq > r.after
        ORDER BY seq LIMIT r.take)
      UNION ALL
      (SELECT * FROM messages WHERE r.after IS NULL AND chat_id = r."chatId"
        AND seq < coalesce(r.before, 2147483647) ORDER BY seq DESC OFFSET r.skip LIMIT r.take)
    ) m
    JOIN users u ON u.id = m.sender_id`);
  const pages = requests.map((): MessagePayload[] => []);
  for (const { request, username, nickname, avatar, elo, createdAt, editedAt, deletedAt, ...message } of rows) {
    const sender = { id: message.senderId, username, nickname, avatar, elo };
    pages[request]?.push({
      ...message,
      sender,
      createdAt: createdAt.toISOString(),
      editedAt: editedAt?.toISOString() ?? null,
      deletedAt: deletedAt?.toISOString() ?? null,
    });
  }
  requests.forEach((request, index) => {
    const forward = request.after !== null;
    pages[index]?.sort((a, b) => (forward ? a.seq - b.seq : b.seq - a.seq));
  });
  return pages;
}
