import { Prisma, type PrismaClient } from "@parley/db";
import type { PublicUser } from "../../users/users.service.ts";
import { deliveredSql, type MemberPosition, readSql, recipientSql } from "./receipts.rules.ts";

export interface Positions {
  deliveredSeq: number;
  readSeq: number;
}

/** Raises the member's delivery position to `seq` (at most the chat's last message), never lowers it. */
export async function moveDelivered(prisma: PrismaClient, chatId: string, userId: string, seq: number) {
  const [row] = await prisma.$queryRaw<Positions[]>`
    UPDATE chat_members cm SET delivered_seq = least(${seq}::int, c.last_seq)
    FROM chats c
    WHERE c.id = cm.chat_id AND cm.chat_id = ${chatId}::uuid AND cm.user_id = ${userId}::uuid
      AND greatest(cm.delivered_seq, cm.read_seq) < least(${seq}::int, c.last_seq)
    RETURNING cm.delivered_seq AS "deliveredSeq", cm.read_seq AS "readSeq"`;
  return row ?? null;
}

export async function positionsOf(prisma: PrismaClient, chatId: string, userId: string): Promise<Positions> {
  return prisma.chatMember.findUniqueOrThrow({
    where: { chatId_userId: { chatId, userId } },
    select: { deliveredSeq: true, readSeq: true },
  });
}

/** Every member's positions of many chats, in one statement. */
export async function loadPositions(prisma: PrismaClient, chatIds: readonly string[]): Promise<MemberPosition[][]> {
  const rows = await prisma.chatMember.findMany({
    where: { chatId: { in: [...new Set(chatIds)] } },
    select: { chatId: true, userId: true, deliveredSeq: true, readSeq: true, joinedAt: true },
  });
  return chatIds.map((chatId) => rows.filter((row) => row.chatId === chatId));
}

export interface ReceiptMembersRequest {
  messageId: string;
  skip: number;
  take: number;
}

export interface ReceiptMember {
  user: PublicUser;
  delivered: boolean;
  read: boolean;
}

export interface ReceiptMemberPage {
  nodes: ReceiptMember[];
  totalCount: number;
  hasNextPage: boolean;
}

interface Row extends PublicUser {
  i: number;
  total: number;
  delivered: boolean | null;
  read: boolean | null;
}

/** A message's recipients, readers first, then those it was delivered to; pages of many messages at once. */
export async function loadReceiptMembers(
  prisma: PrismaClient,
  requests: readonly ReceiptMembersRequest[],
): Promise<ReceiptMemberPage[]> {
  const input = JSON.stringify(requests.map((request, index) => ({ ...request, i: index })));
  const rows = await prisma.$queryRaw<Row[]>(Prisma.sql`
    SELECT k.i, t.total, x.delivered, x.read, u.id, u.username, u.nickname, u.avatar, u.elo
    FROM jsonb_to_recordset(${input}::jsonb) AS k(i int, "messageId" uuid, skip int, take int)
    JOIN messages m ON m.id = k."messageId"
    CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM chat_members cm
      WHERE cm.chat_id = m.chat_id AND ${recipientSql("cm", "m")}) t
    LEFT JOIN LATERAL (
      SELECT cm.user_id, ${deliveredSql("cm", "m")} AS delivered, ${readSql("cm", "m")} AS read
      FROM chat_members cm WHERE cm.chat_id = m.chat_id AND ${recipientSql("cm", "m")}
      ORDER BY 3 DESC, 2 DESC, cm.user_id OFFSET k.skip LIMIT k.take) x ON true
    LEFT JOIN users u ON u.id = x.user_id
    ORDER BY k.i, x.read DESC, x.delivered DESC, x.user_id`);
  const pages = requests.map((): ReceiptMemberPage => ({ nodes: [], totalCount: 0, hasNextPage: false }));
  for (const { i, total, delivered, read, ...user } of rows) {
    const page = pages[i];
    const request = requests[i];
    if (!page || !request) continue;
    page.totalCount = total;
    page.hasNextPage = request.skip + request.take < total;
    if (delivered !== null && read !== null) page.nodes.push({ user, delivered, read });
  }
  return pages;
}
