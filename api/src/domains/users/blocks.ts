import type { PrismaClient } from "@parley/db";

/** A block in either direction separates two users: no messages, likes, typing or duel invitations. */
export async function eitherBlocked(
  db: Pick<PrismaClient, "block">,
  userId: string,
  otherId: string,
): Promise<boolean> {
  const block = await db.block.findFirst({
    where: {
      OR: [
        { blockerId: userId, blockedId: otherId },
        { blockerId: otherId, blockedId: userId },
      ],
    },
    select: { blockerId: true },
  });
  return block !== null;
}
