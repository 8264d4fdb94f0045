import type { PrismaClient } from "@parley/db";

type Db = Pick<PrismaClient, "duelInvitation" | "game" | "tournamentParticipant">;

/**
 * "Engaged in game activity" (protocol §5.2): an own pending duel invitation, a pending or ongoing game
 * outside a tournament, or an active place in an open or ongoing tournament. An engaged user can neither
 * invite, accept, nor create a tournament. Pass a transaction client to check inside one.
 */
export async function isEngaged(db: Db, userId: string): Promise<boolean> {
  const [invitation, game, participation] = await Promise.all([
    db.duelInvitation.findFirst({
      // an invitation past its expiry is no longer pending, even before the sweep marks it EXPIRED
      where: { inviterId: userId, status: "PENDING", OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      select: { id: true },
    }),
    db.game.findFirst({
      where: {
        OR: [{ playerAId: userId }, { playerBId: userId }],
        status: { in: ["PENDING", "ONGOING"] },
        tournamentId: null,
      },
      select: { id: true },
    }),
    db.tournamentParticipant.findFirst({
      where: { userId, status: "ACTIVE", tournament: { status: { in: ["OPEN", "ONGOING"] } } },
      select: { userId: true },
    }),
  ]);
  return Boolean(invitation || game || participation);
}
