import type { DuelInvitation, InvitationStatus } from "@parley/db";
import type { EventBus } from "../../realtime/event-bus.ts";
import { inboxEvents, type KindSet, publishToInboxes } from "../../realtime/inbox.ts";
import type { GameSettings } from "../games/game-settings.ts";
import {
  GAME_KINDS,
  type GameEvent,
  type GamePayload,
  type GameRow,
  gameInclude,
  storedSettings,
  toGamePayload,
} from "../games/games.events.ts";
import type { PublicUser } from "../users/users.service.ts";
import { publicUserSelect } from "../users/users.service.ts";
import { effectiveStatus } from "./invitation-status.ts";

/** A duel invitation as carried in events and returned by mutations: rendered without a query. */
export interface InvitationPayload {
  id: string;
  /** PENDING past expiresAt reads as EXPIRED */
  status: InvitationStatus;
  inviter: PublicUser;
  invitee: PublicUser;
  settings: GameSettings;
  clientId: string | null;
  createdAt: string;
  expiresAt: string | null;
  respondedAt: string | null;
  /** the game the acceptance created */
  game: GamePayload | null;
  /** inviteToDuel's result only: the invitee's pending invitations to the inviter that it declined */
  declined?: InvitationPayload[];
}

/** Which invitation mutation a rejection answers. */
export type InvitationAction = "INVITE" | "ACCEPT" | "DECLINE" | "CANCEL";

/** Why an invitation mutation was refused; the first five are the legacy `game_invite_canceled` messages. */
export type RejectionReason =
  | "SELF_INVITE"
  | "SELF_ACCEPT"
  | "ENGAGED"
  | "INVITATION_NOT_FOUND"
  | "NO_PENDING_INVITATIONS"
  | "USER_NOT_FOUND"
  | "BLOCKED"
  | "INVALID_INPUT";

export type InvitationEvent =
  /** to the invitee */
  | { kind: "INVITATION_RECEIVED"; at: string; invitation: InvitationPayload }
  /** to both; each side resolves the other player as `opponent` */
  | { kind: "INVITATION_ACCEPTED"; at: string; invitation: InvitationPayload; game: GamePayload }
  /** to both; `by` is the invitee who declined (also when declined by inviting the inviter back) */
  | { kind: "INVITATION_DECLINED"; at: string; invitation: InvitationPayload; by: PublicUser }
  /** to both; `by` is the inviter (who cancelled, or accepted another invitation) */
  | { kind: "INVITATION_CANCELLED"; at: string; invitation: InvitationPayload; by: PublicUser }
  /** to both */
  | { kind: "INVITATION_EXPIRED"; at: string; invitation: InvitationPayload }
  /** to the caller only: one of their invitation mutations was refused (the mutation also returns the error) */
  | {
      kind: "INVITATION_REJECTED";
      at: string;
      action: InvitationAction;
      reason: RejectionReason;
      message: string;
      /** the username the mutation named */
      username: string;
      clientId: string | null;
    };

/** What `invitationEvents` carries: invitations, and the games they start. */
export type InvitationStreamEvent = InvitationEvent | GameEvent;

const INVITATION_STREAM_KINDS: KindSet<InvitationStreamEvent> = {
  INVITATION_RECEIVED: true,
  INVITATION_ACCEPTED: true,
  INVITATION_DECLINED: true,
  INVITATION_CANCELLED: true,
  INVITATION_EXPIRED: true,
  INVITATION_REJECTED: true,
  ...GAME_KINDS,
};

/** To the inboxes of `userIds`. Never throws: failures are logged. */
export function publishInvitationEvent(
  bus: EventBus,
  userIds: readonly string[],
  event: InvitationEvent,
): Promise<void> {
  return publishToInboxes(bus, userIds, event);
}

/** The viewer's invitations and games. */
export function invitationEventsOf(bus: EventBus, viewerId: string) {
  return inboxEvents(bus, viewerId, INVITATION_STREAM_KINDS);
}

/** Load an invitation with this to turn it into a payload. */
export const invitationInclude = {
  inviter: { select: publicUserSelect },
  invitee: { select: publicUserSelect },
  game: { include: gameInclude },
} as const;

export type InvitationRow = DuelInvitation & { inviter: PublicUser; invitee: PublicUser; game: GameRow | null };

export function toInvitationPayload(row: InvitationRow, now = new Date()): InvitationPayload {
  return {
    id: row.id,
    status: effectiveStatus(row, now),
    inviter: row.inviter,
    invitee: row.invitee,
    settings: storedSettings(row.settings),
    clientId: row.clientId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    respondedAt: row.respondedAt?.toISOString() ?? null,
    game: row.game ? toGamePayload(row.game) : null,
  };
}
