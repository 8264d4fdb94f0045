import { writable } from "svelte/store";

/** How the last invitation between me and someone ended, as the duel page shows it once it is no longer pending. */
export interface DuelOutcome {
  invitationId: string;
  status: "ACCEPTED" | "DECLINED" | "CANCELLED" | "EXPIRED";
  /** I sent it */
  mine: boolean;
  gameId: string | null;
}

interface InvitationLike {
  id: string;
  status: string;
  inviter: { username: string };
  invitee: { username: string };
  game?: { id: string } | null;
}

/**
 * The API answers what is pending (me.outgoingInvitation, incomingInvitations) and what is being played
 * (me.currentGame), not what ended: the ends seen live (events and this tab's own mutations) are kept here,
 * by the other player's username, newest winning.
 */
const outcomes = writable<ReadonlyMap<string, DuelOutcome>>(new Map());
export const duelOutcomes = { subscribe: outcomes.subscribe };

const ENDED = new Set(["ACCEPTED", "DECLINED", "CANCELLED", "EXPIRED"]);
const isEnded = (status: string): status is DuelOutcome["status"] => ENDED.has(status);

/** Records an invitation that is no longer pending, seen by `me` (my username). Idempotent. */
export function recordOutcome(me: string, invitation: InvitationLike): void {
  if (!isEnded(invitation.status)) return;
  const status = invitation.status;
  const mine = invitation.inviter.username === me;
  const other = mine ? invitation.invitee.username : invitation.inviter.username;
  outcomes.update((map) => {
    const known = map.get(other);
    if (known?.invitationId === invitation.id && known.status === status) return map;
    const next = new Map(map);
    next.set(other, { invitationId: invitation.id, status, mine, gameId: invitation.game?.id ?? null });
    return next;
  });
}

export const resetOutcomes = () => outcomes.set(new Map());
