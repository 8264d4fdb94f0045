import type {
  DuelFeedSubscription,
  InvitationAction,
  InvitationRejectionReason,
} from "../operations/generated/graphql.ts";
import type { LegacyFrame } from "./frame.ts";

type DuelEvent = DuelFeedSubscription["invitationEvents"];
type Person = { username: string; nickname: string };

/** §4.8: `game_declined` names the decliner. */
export const gameDeclined = ({ username, nickname }: Person): LegacyFrame => ({
  action: "game_declined",
  data: { username, nickname },
});

/** §4.6b: a cancellation names the inviter (no message, no client_id). */
export const invitationCancelled = ({ username, nickname }: Person): LegacyFrame => ({
  action: "game_invite_canceled",
  data: { username, nickname },
});

/** §4.6: a refusal carries the legacy message, and the client_id when one was given. */
export const invitationRefused = (message: string, clientId: string | null): LegacyFrame => ({
  action: "game_invite_canceled",
  data: clientId === null ? { message } : { message, client_id: clientId },
});

/**
 * Which refusals legacy answers with a frame (§3.6–3.9): an unknown invitee or inviter and every cancel refusal
 * are silent; "No pending invitations found." never echoes a client_id. Refusals legacy cannot have (a block,
 * which Parley adds) are answered like the others.
 */
const ANSWERED: Record<InvitationAction, readonly InvitationRejectionReason[]> = {
  INVITE: ["SELF_INVITE", "ENGAGED", "BLOCKED"],
  ACCEPT: ["SELF_ACCEPT", "ENGAGED", "INVITATION_NOT_FOUND", "BLOCKED"],
  DECLINE: ["NO_PENDING_INVITATIONS"],
  CANCEL: [],
};

/**
 * The frames one invitation event becomes on a socket of `viewerId` (§4.6–4.8). A decline is sent here only
 * to the inviter: the decliner's acting socket answers itself, and its other sockets hear nothing.
 */
export function duelFrames(event: DuelEvent, viewerId: string): LegacyFrame[] {
  switch (event.__typename) {
    case "InvitationAcceptedEvent": {
      const { username, nickname, avatar, elo } = event.opponent;
      return [{ action: "game_accepted", game_id: event.gameId, username, nickname, avatar, elo }];
    }
    case "InvitationDeclinedEvent":
      return event.decliner.id === viewerId ? [] : [gameDeclined(event.decliner)];
    case "InvitationCancelledEvent":
      return [invitationCancelled(event.inviter)];
    case "InvitationExpiredEvent":
      // legacy invitations never lapse; a lapsed one reads as withdrawn by its inviter
      return [invitationCancelled(event.invitation.inviter)];
    case "InvitationRejectedEvent": {
      if (!ANSWERED[event.action].includes(event.reason)) return [];
      const clientId = event.action === "DECLINE" ? null : (event.clientId ?? null);
      return [invitationRefused(event.message, clientId)];
    }
    default:
      return [];
  }
}
