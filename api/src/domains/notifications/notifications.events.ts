import type { Notification } from "@parley/db";

export type NotificationKind = Notification["kind"];

/** A notification as carried in events: everything a receiver renders, so delivery needs no query. */
export interface NotificationPayload {
  id: string;
  receiverId: string;
  actorId: string | null;
  kind: NotificationKind;
  /** what the kind needs to render: the actor's username/nickname/avatar and kind-specific fields */
  data: Record<string, unknown>;
  invitationId: string | null;
  tournamentId: string | null;
  isRead: boolean;
  createdAt: string;
}

export type NotificationEvent =
  /** a new notification for the receiver */
  | { kind: "NOTIFICATION_CREATED"; at: string; notification: NotificationPayload }
  /** an existing one changed (read, or the invitation/tournament it is about changed state) */
  | { kind: "NOTIFICATION_UPDATED"; at: string; notification: NotificationPayload };

export const NOTIFICATION_EVENT_KINDS: ReadonlySet<string> = new Set<NotificationEvent["kind"]>([
  "NOTIFICATION_CREATED",
  "NOTIFICATION_UPDATED",
]);

export function toNotificationPayload(row: Notification): NotificationPayload {
  return {
    id: row.id,
    receiverId: row.receiverId,
    actorId: row.actorId,
    kind: row.kind,
    data: (row.data ?? {}) as Record<string, unknown>,
    invitationId: row.invitationId,
    tournamentId: row.tournamentId,
    isRead: row.isRead,
    createdAt: row.createdAt.toISOString(),
  };
}
