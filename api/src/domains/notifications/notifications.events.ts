import type { Notification } from "@parley/db";
import type { EventBus } from "../../realtime/event-bus.ts";
import { inboxEvents, type KindSet, publishToInboxes } from "../../realtime/inbox.ts";
import type { PublicUser } from "../users/users.service.ts";

export type NotificationKind = Notification["kind"];

/** A committed notification as publishers hand it over: a Prisma row, or a raw SQL row (payloadFromSql). */
export interface NotificationRecord {
  id: string;
  receiverId: string;
  actorId: string | null;
  kind: NotificationKind;
  data: unknown;
  invitationId: string | null;
  tournamentId: string | null;
  isRead: boolean;
  createdAt: Date | string;
}

/** A notification as the Notification type resolves it, from an event or a query: rendered without a query. */
export interface NotificationPayload extends Omit<NotificationRecord, "data" | "createdAt"> {
  /** what the kind needs to render: the actor's username/nickname/avatar and kind-specific fields */
  data: Record<string, unknown>;
  createdAt: string;
  /** who caused it, if they still exist */
  actor: PublicUser | null;
}

export type NotificationEvent =
  /** a new notification for the receiver */
  | { kind: "NOTIFICATION_CREATED"; at: string; notification: NotificationPayload }
  /** an existing one changed (read, or the invitation/tournament it is about changed state) */
  | { kind: "NOTIFICATION_UPDATED"; at: string; notification: NotificationPayload };

const NOTIFICATION_KINDS: KindSet<NotificationEvent> = { NOTIFICATION_CREATED: true, NOTIFICATION_UPDATED: true };

/** To the receiver's inbox. Never throws: failures are logged. */
export function publishNotificationEvent(bus: EventBus, event: NotificationEvent): Promise<void> {
  return publishToInboxes(bus, [event.notification.receiverId], event);
}

/** The viewer's notification events. */
export function notificationEventsOf(bus: EventBus, viewerId: string) {
  return inboxEvents(bus, viewerId, NOTIFICATION_KINDS);
}

export function toNotificationPayload(record: NotificationRecord, actor: PublicUser | null): NotificationPayload {
  const data = typeof record.data === "string" ? JSON.parse(record.data) : record.data;
  return {
    id: record.id,
    receiverId: record.receiverId,
    actorId: record.actorId,
    kind: record.kind,
    data: data && typeof data === "object" ? (data as Record<string, unknown>) : {},
    invitationId: record.invitationId,
    tournamentId: record.tournamentId,
    isRead: record.isRead,
    createdAt: new Date(record.createdAt).toISOString(),
    actor,
  };
}
