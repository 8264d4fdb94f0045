import { Prisma, type PrismaClient } from "@parley/db";
import type { PublicUser } from "../../users/users.service.ts";
import type { ReactionCount, ReactionTally } from "./reactions.events.ts";

/** Different emojis one member may put on one message: enough for anyone, and a bound on a message's rows. */
export const MAX_REACTIONS_PER_MEMBER = 20;

export type AddOutcome = "added" | "present" | "deleted" | "full";

/**
 * Adds one reaction unless the member has it already, the message is deleted, or the member has
 * MAX_REACTIONS_PER_MEMBER on it. The message row is locked, so a concurrent delete (which removes the
 * reactions) cannot be overtaken by an insert, and the per-member bound holds under concurrent adds.
 */
export async function addReaction(prisma: PrismaClient, messageId: string, userId: string, emoji: string) {
  const rows = await prisma.$queryRaw<{ outcome: AddOutcome }[]>`
    WITH target AS (
      SELECT m.id, m.deleted_at IS NOT NULL AS deleted FROM messages m WHERE m.id = ${messageId}::uuid FOR UPDATE
    ), mine AS (
      SELECT count(*)::int AS total, bool_or(emoji = ${emoji}) AS present
      FROM message_reactions WHERE message_id = ${messageId}::uuid AND user_id = ${userId}::uuid
    ), inserted AS (
      INSERT INTO message_reactions (message_id, user_id, emoji)
      SELECT t.id, ${userId}::uuid, ${emoji} FROM target t, mine
      WHERE NOT t.deleted AND mine.present IS NOT TRUE AND mine.total < ${MAX_REACTIONS_PER_MEMBER}
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'added'
      WHEN t.deleted THEN 'deleted' WHEN mine.present THEN 'present' ELSE 'full' END AS outcome
    FROM target t, mine`;
  return rows[0]?.outcome ?? "deleted";
}

/** True when the reaction was there (and is now gone). */
export async function removeReaction(prisma: PrismaClient, messageId: string, userId: string, emoji: string) {
  const removed = await prisma.messageReaction.deleteMany({ where: { messageId, userId, emoji } });
  return removed.count > 0;
}

/** Who reacted with what, emojis in the order they first appeared. */
export async function tallyReactions(prisma: PrismaClient, messageId: string): Promise<ReactionTally[]> {
  return prisma.$queryRaw<ReactionTally[]>`
    SELECT emoji, array_agg(user_id::text ORDER BY created_at, user_id) AS "userIds"
    FROM message_reactions WHERE message_id = ${messageId}::uuid
    GROUP BY emoji ORDER BY min(created_at), emoji`;
}

export interface ReactionKey {
  messageId: string;
  viewerId: string;
}

/** The reactions of many messages, each as its viewer sees it, in one statement. */
export async function loadReactionCounts(
  prisma: PrismaClient,
  keys: readonly ReactionKey[],
): Promise<ReactionCount[][]> {
  const input = JSON.stringify(keys.map((key, index) => ({ ...key, i: index })));
  const rows = await prisma.$queryRaw<(ReactionCount & { i: number })[]>(Prisma.sql`
    SELECT k.i, r.emoji, count(*)::int AS count, bool_or(r.user_id = k."viewerId") AS "reactedByMe"
    FROM jsonb_to_recordset(${input}::jsonb) AS k(i int, "messageId" uuid, "viewerId" uuid)
    JOIN message_reactions r ON r.message_id = k."messageId"
    GROUP BY k.i, r.emoji ORDER BY k.i, min(r.created_at), r.emoji`);
  const counts = keys.map((): ReactionCount[] => []);
  for (const { i, ...count } of rows) counts[i]?.push(count);
  return counts;
}

export interface ReactorsRequest {
  messageId: string;
  emoji: string;
  skip: number;
  take: number;
}

export interface Reactor {
  user: PublicUser;
  reactedAt: string;
}

export interface ReactorPage {
  nodes: Reactor[];
  totalCount: number;
  hasNextPage: boolean;
}

interface ReactorRow extends PublicUser {
  i: number;
  total: number;
  reactedAt: Date | null;
}

/** Pages of who reacted with an emoji, first reactors first, for many messages in one statement. */
export async function loadReactors(prisma: PrismaClient, requests: readonly ReactorsRequest[]): Promise<ReactorPage[]> {
  const input = JSON.stringify(requests.map((request, index) => ({ ...request, i: index })));
  const rows = await prisma.$queryRaw<ReactorRow[]>(Prisma.sql`
    SELECT k.i, c.total, x.created_at AS "reactedAt", u.id, u.username, u.nickname, u.avatar, u.elo
    FROM jsonb_to_recordset(${input}::jsonb) AS k(i int, "messageId" uuid, emoji text, skip int, take int)
    CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM message_reactions
      WHERE message_id = k."messageId" AND emoji = k.emoji) c
    LEFT JOIN LATERAL (SELECT user_id, created_at FROM message_reactions
      WHERE message_id = k."messageId" AND emoji = k.emoji ORDER BY created_at, user_id OFFSET k.skip LIMIT k.take) x
      ON true
    LEFT JOIN users u ON u.id = x.user_id
    ORDER BY k.i, x.created_at, x.user_id`);
  const pages = requests.map((): ReactorPage => ({ nodes: [], totalCount: 0, hasNextPage: false }));
  for (const { i, total, reactedAt, ...user } of rows) {
    const page = pages[i];
    const request = requests[i];
    if (!page || !request) continue;
    page.totalCount = total;
    page.hasNextPage = request.skip + request.take < total;
    if (reactedAt) page.nodes.push({ user, reactedAt: reactedAt.toISOString() });
  }
  return pages;
}
