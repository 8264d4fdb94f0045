import type { PrismaClient } from "@parley/db";

/** A game is live from its creation until it is finished or cancelled. */
export const LIVE_GAME = ["PENDING", "ONGOING"] as const;

/** "In a game": a player of a live game, a duel or a tournament's. Of `userIds`, those in one: one query. */
export async function playingAmong(db: Pick<PrismaClient, "game">, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const ids = [...new Set(userIds)];
  const games = await db.game.findMany({
    where: { status: { in: [...LIVE_GAME] }, OR: [{ playerAId: { in: ids } }, { playerBId: { in: ids } }] },
    select: { playerAId: true, playerBId: true },
  });
  const wanted = new Set(ids);
  return new Set(games.flatMap((game) => [game.playerAId, game.playerBId]).filter((id) => wanted.has(id)));
}
