import { Prisma, type PrismaClient } from "@parley/db";
import { pendingAt } from "../invitations/invitation-status.ts";

type Db = Pick<PrismaClient, "duelInvitation" | "game" | "tournamentParticipant">;

/**
 * "Engaged in game activity" (protocol §5.2): an own pending duel invitation, a pending or ongoing game
 * outside a tournament, or an active place in an open or ongoing tournament. An engaged user can neither
 * invite, accept, nor create a tournament. Pass a transaction client to check inside one.
 */
export async function isEngaged(db: Db, userId: string): Promise<boolean> {
  const [invitation, game, participation] = await Promise.all([
    db.duelInvitation.findFirst({
      where: { inviterId: userId, ...pendingAt(new Date()) },
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

/**
 * Row-locks the users (in id order, so two transactions never wait on each other crosswise) until commit:
 * take it before `isEngaged` in the transaction that then starts an activity, so two concurrent requests of
 * one user cannot both pass the check. NO KEY UPDATE: it serializes game activity per user without blocking
 * inserts that reference them.
 */
export async function lockGameActivity(tx: Prisma.TransactionClient, userIds: readonly string[]): Promise<void> {
  const ids = Prisma.join([...new Set(userIds)].map((id) => Prisma.sql`${id}::uuid`));
  await tx.$queryRaw`SELECT id FROM users WHERE id IN (${ids}) ORDER BY id FOR NO KEY UPDATE`;
}
