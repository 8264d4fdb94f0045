import type { DuelInvitation, InvitationStatus, Prisma } from "@parley/db";

/**
 * "Pending" is status PENDING and not past its expiry: an expired invitation is not pending, whether or not
 * the sweep has marked it EXPIRED yet. This where-clause and `effectiveStatus` are that rule, once each.
 */
export function pendingAt(now: Date) {
  return {
    status: "PENDING",
    OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
  } as const satisfies Prisma.DuelInvitationWhereInput;
}

/** Still PENDING in the table but past its expiry: what the sweep marks EXPIRED. */
export function lapsedAt(now: Date) {
  return { status: "PENDING", expiresAt: { lte: now } } as const satisfies Prisma.DuelInvitationWhereInput;
}

/** The status clients see: PENDING past its expiry reads EXPIRED (the `pendingAt` rule, in TypeScript). */
export function effectiveStatus(
  invitation: Pick<DuelInvitation, "status" | "expiresAt">,
  now = new Date(),
): InvitationStatus {
  const expired = invitation.expiresAt !== null && invitation.expiresAt <= now;
  return invitation.status === "PENDING" && expired ? "EXPIRED" : invitation.status;
}
