import { type Notification, Prisma } from "@parley/db";
import {
  type InvitationEvent,
  type InvitationPayload,
  invitationInclude,
  toInvitationPayload,
} from "./invitations.events.ts";

type Tx = Prisma.TransactionClient;

/** Where a pending invitation can go. */
export type Transition = "ACCEPTED" | "DECLINED" | "CANCELLED" | "EXPIRED";

export interface Transitioned {
  status: Transition;
  /** newest first */
  invitations: InvitationPayload[];
  /** their GAME_INVITE notifications, as synced */
  notes: Notification[];
}

/**
 * Moves the matching invitations out of PENDING and syncs both GAME_INVITE notifications of each. A
 * conditional update: of concurrent transitions of one invitation, exactly one matches it.
 */
export async function transition(
  tx: Tx,
  where: Prisma.DuelInvitationWhereInput,
  status: Transition,
  now: Date,
  gameId?: string,
): Promise<Transitioned> {
  const rows = await tx.duelInvitation.updateManyAndReturn({
    where,
    data: { status, respondedAt: now, ...(gameId ? { gameId } : {}) },
    include: invitationInclude,
  });
  const invitations = rows
    .map((row) => toInvitationPayload(row, now))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { status, invitations, notes: await syncNotifications(tx, invitations, status) };
}

/** What both sides of an invitation are told once its transition is committed. */
export function announcement(invitation: InvitationPayload, status: Transition, at: string): InvitationEvent {
  switch (status) {
    case "ACCEPTED":
      if (!invitation.game) throw new Error(`accepted invitation ${invitation.id} has no game`);
      return { kind: "INVITATION_ACCEPTED", at, invitation, game: invitation.game };
    case "DECLINED":
      return { kind: "INVITATION_DECLINED", at, invitation, by: invitation.invitee };
    case "CANCELLED":
      return { kind: "INVITATION_CANCELLED", at, invitation, by: invitation.inviter };
    case "EXPIRED":
      return { kind: "INVITATION_EXPIRED", at, invitation };
  }
}

/** Each transition rewrites `data.status` and marks read both copies (invitee's and inviter's), §5.1. */
async function syncNotifications(
  tx: Tx,
  invitations: InvitationPayload[],
  status: Transition,
): Promise<Notification[]> {
  if (invitations.length === 0) return [];
  const ids = invitations.map((invitation) => invitation.id);
  const list = Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));
  await tx.$executeRaw`
    UPDATE notifications
    SET is_read = true, data = jsonb_set(data, '{status}', to_jsonb(${status}::text))
    WHERE kind = 'GAME_INVITE' AND invitation_id IN (${list})`;
  return tx.notification.findMany({ where: { invitationId: { in: ids } } });
}
