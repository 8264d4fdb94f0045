import type { Prisma, PrismaClient } from "@parley/db";

/**
 * The block rule, once, in the two forms queries need: a block in either direction separates two users (no
 * messages, likes, typing or duel invitations). test/rules.test.ts pins both forms to the same answers.
 */

/** Prisma form: the block rows between `userId` and any of `otherIds`, in either direction. */
export function blocksBetween(userId: string, otherIds: readonly string[]): Prisma.BlockWhereInput {
  return {
    OR: [
      { blockerId: userId, blockedId: { in: [...otherIds] } },
      { blockerId: { in: [...otherIds] }, blockedId: userId },
    ],
  };
}

/** SQL form, for raw statements: true when a block separates the users whose ids are the SQL expressions a, b. */
export function eitherBlockedSql(a: string, b: string): string {
  return `EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ${a} AND blocked_id = ${b}) OR (blocker_id = ${b} AND blocked_id = ${a}))`;
}

/** SQL form of one direction: true when the user `blocker` blocked the user `blocked` (SQL expressions). */
export function blocksSql(blocker: string, blocked: string): string {
  return `EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ${blocker} AND blocked_id = ${blocked})`;
}

export async function eitherBlocked(
  db: Pick<PrismaClient, "block">,
  userId: string,
  otherId: string,
): Promise<boolean> {
  const block = await db.block.findFirst({ where: blocksBetween(userId, [otherId]), select: { blockerId: true } });
  return block !== null;
}

/** Search and lists hide users who blocked the viewer (the viewer's own blocks stay visible to them). */
export function notBlocking(viewerId: string): Prisma.UserWhereInput {
  return { blocks: { none: { blockedId: viewerId } } };
}
