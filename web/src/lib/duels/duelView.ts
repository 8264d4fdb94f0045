import type { DuelGameFragment, DuelInvitationFieldsFragment } from "../graphql/generated/graphql.ts";
import type { DuelOutcome } from "./outcomes.ts";

/** What the duel page between me and another player shows, derived from the API's state and the ends seen live. */
export type DuelView =
  | { kind: "self" }
  | { kind: "game"; game: DuelGameFragment }
  | { kind: "invited"; invitation: DuelInvitationFieldsFragment }
  | { kind: "waiting"; invitation: DuelInvitationFieldsFragment }
  | { kind: "ended"; outcome: DuelOutcome }
  | { kind: "none" };

export interface DuelState {
  outgoingInvitation: DuelInvitationFieldsFragment | null;
  incomingInvitations: readonly DuelInvitationFieldsFragment[];
  currentGame: DuelGameFragment | null;
}

/** A pending invitation past its expiry already reads as expired (the server's expiry job tells both sides later). */
const lapsed = (invitation: DuelInvitationFieldsFragment, now: number) =>
  invitation.expiresAt !== null && new Date(invitation.expiresAt).getTime() <= now;

const expired = (invitation: DuelInvitationFieldsFragment, mine: boolean): DuelView => ({
  kind: "ended",
  outcome: { invitationId: invitation.id, status: "EXPIRED", mine, gameId: null },
});

/** A game with them first, then their invitation to me, then mine to them, then how the last one ended. */
export function duelView(
  me: string,
  other: string,
  state: DuelState,
  outcome: DuelOutcome | undefined,
  now = Date.now(),
): DuelView {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (same(me, other)) return { kind: "self" };
  const game = state.currentGame;
  if (game && game.status === "ONGOING" && game.players.some((player) => same(player.username, other))) {
    return { kind: "game", game };
  }
  const invited = state.incomingInvitations.find(
    (one) => one.status === "PENDING" && same(one.inviter.username, other),
  );
  if (invited) return lapsed(invited, now) ? expired(invited, false) : { kind: "invited", invitation: invited };
  const outgoing = state.outgoingInvitation;
  if (outgoing && outgoing.status === "PENDING" && same(outgoing.invitee.username, other)) {
    return lapsed(outgoing, now) ? expired(outgoing, true) : { kind: "waiting", invitation: outgoing };
  }
  if (outcome && outcome.status !== "ACCEPTED") return { kind: "ended", outcome };
  return { kind: "none" };
}

/** Whole seconds from `now` until `at` (never below 0). */
export const secondsUntil = (at: string | number, now: number) =>
  Math.max(0, Math.ceil((new Date(at).getTime() - now) / 1000));

/** A game starts this long after its invitation was accepted: both players count down from its creation. */
export const COUNTDOWN_MS = 5_000;

/** `4:05` */
export const minutesSeconds = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
