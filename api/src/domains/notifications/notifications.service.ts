import type { Prisma, PrismaClient } from "@parley/db";
import { forbidden, notFound } from "../../graphql/errors.ts";
import type { PageWindow } from "../../graphql/pagination.ts";
import type { Logger } from "../../infra/logger.ts";
import { isUuid } from "../../infra/validation.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { pendingAt } from "../invitations/invitation-status.ts";
import { DEFAULT_AVATAR, type PublicUser, publicUserSelect } from "../users/users.service.ts";
import {
  type NotificationEvent,
  type NotificationPayload,
  type NotificationRecord,
  publishNotificationEvent,
  toNotificationPayload,
} from "./notifications.events.ts";

export type NotificationFilter = "ALL" | "UNREAD" | "READ";

const withActor = { actor: { select: publicUserSelect } } as const;

export interface NotificationPage {
  nodes: NotificationPayload[];
  totalCount: number;
  hasNextPage: boolean;
}

/** Events published at once; a larger set goes out in chunks of this size. */
const PUBLISH_CHUNK = 500;

/**
 * Only what is still actionable is listed: a GAME_INVITE while its invitation is PENDING (and not past its
 * expiry, as isEngaged reads it), a NEW_TOURNAMENT while its tournament is OPEN (protocol §8.3). A join on
 * the invitation_id / tournament_id columns, never a scan of `data`.
 */
export function visibleNotification(now = new Date()): Prisma.NotificationWhereInput {
  return {
    AND: [
      { OR: [{ kind: { not: "GAME_INVITE" } }, { invitation: { is: pendingAt(now) } }] },
      { OR: [{ kind: { not: "NEW_TOURNAMENT" } }, { tournament: { is: { status: "OPEN" } } }] },
    ],
  };
}

/** The actor fields every notification's `data` starts with (protocol §6.1). */
export function actorData(user: Pick<PublicUser, "username" | "nickname" | "avatar">) {
  return { username: user.username, nickname: user.nickname, avatar: user.avatar ?? DEFAULT_AVATAR };
}

/**
 * A user's notifications: listing, reading, and pushing them live to `user:{id}`. Other domains create
 * their rows in their own transactions (e.g. GAME_INVITE with a duel invitation), then hand the committed
 * rows to `publishCreated` / `publishUpdated`.
 */
export class NotificationsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Newest first; hides notifications that are no longer actionable (see visibleNotification). */
  async list(viewerId: string, filter: NotificationFilter, window: PageWindow): Promise<NotificationPage> {
    const where: Prisma.NotificationWhereInput = {
      receiverId: viewerId,
      ...(filter === "ALL" ? {} : { isRead: filter === "READ" }),
      ...visibleNotification(),
    };
    const [rows, totalCount] = await Promise.all([
      this.prisma.notification.findMany({
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        include: withActor,
        ...window,
      }),
      this.prisma.notification.count({ where }),
    ]);
    const nodes = rows.map((row) => toNotificationPayload(row, row.actor));
    return { nodes, totalCount, hasNextPage: window.skip + rows.length < totalCount };
  }

  /** My unread notifications, as listed by `notifications(filter: UNREAD)`: the badge matches the list. */
  unreadCount(viewerId: string): Promise<number> {
    return this.prisma.notification.count({ where: { receiverId: viewerId, isRead: false, ...visibleNotification() } });
  }

  /** Only the receiver may read a notification; the change is pushed to their sockets. Idempotent. */
  async markRead(viewerId: string, id: string): Promise<NotificationPayload> {
    if (!isUuid(id)) throw notFound("Notification not found.");
    const [updated] = await this.prisma.notification.updateManyAndReturn({
      where: { id, receiverId: viewerId, isRead: false },
      data: { isRead: true },
      include: withActor,
    });
    if (updated) {
      const notification = toNotificationPayload(updated, updated.actor);
      await publishNotificationEvent(this.bus, {
        kind: "NOTIFICATION_UPDATED",
        at: new Date().toISOString(),
        notification,
      });
      return notification;
    }
    const row = await this.prisma.notification.findUnique({ where: { id }, include: withActor });
    if (!row) throw notFound("Notification not found.");
    if (row.receiverId !== viewerId) throw forbidden("This notification is not yours.");
    return toNotificationPayload(row, row.actor); // already read
  }

  /**
   * Marks all my unread notifications read; returns how many changed. Nothing is pushed (as in the legacy
   * API): one event per row could be thousands; other sockets refetch.
   */
  async markAllRead(viewerId: string): Promise<number> {
    const { count } = await this.prisma.notification.updateMany({
      where: { receiverId: viewerId, isRead: false },
      data: { isRead: true },
    });
    return count;
  }

  /**
   * The NEW_FRIEND row for `receiverId`, as an unstarted Prisma query: run it in the caller's transaction (or pass
   * an interactive one as `db`), then publish the created row with publishCreated.
   */
  newFriend(actor: PublicUser, receiverId: string, db: Pick<PrismaClient, "notification"> = this.prisma) {
    return db.notification.create({
      data: { receiverId, actorId: actor.id, kind: "NEW_FRIEND", data: actorData(actor) },
    });
  }

  /** Pushes NOTIFICATION_CREATED for committed rows to each receiver's inbox. Never throws: failures are logged. */
  publishCreated(rows: readonly NotificationRecord[]): Promise<void> {
    return this.publish("NOTIFICATION_CREATED", rows);
  }

  /** Pushes NOTIFICATION_UPDATED (read, or no longer actionable) for committed rows. Never throws. */
  publishUpdated(rows: readonly NotificationRecord[]): Promise<void> {
    return this.publish("NOTIFICATION_UPDATED", rows);
  }

  /**
   * Pub/sub only nudges: a failed publish is logged, the row stands, clients catch up by refetching. The
   * actors go with the payloads (one query per chunk, here), so no receiver queries for them.
   */
  private async publish(kind: NotificationEvent["kind"], rows: readonly NotificationRecord[]): Promise<void> {
    const at = new Date().toISOString();
    for (let start = 0; start < rows.length; start += PUBLISH_CHUNK) {
      const chunk = rows.slice(start, start + PUBLISH_CHUNK);
      try {
        const actors = await this.actorsOf(chunk);
        await Promise.all(
          chunk.map((row) => {
            const notification = toNotificationPayload(row, row.actorId ? (actors.get(row.actorId) ?? null) : null);
            return publishNotificationEvent(this.bus, { kind, at, notification });
          }),
        );
      } catch (error) {
        this.logger.error({ err: error, kind }, "publish failed");
      }
    }
  }

  private async actorsOf(rows: readonly NotificationRecord[]): Promise<Map<string, PublicUser>> {
    const ids = [...new Set(rows.flatMap((row) => (row.actorId ? [row.actorId] : [])))];
    if (ids.length === 0) return new Map();
    const users = await this.prisma.user.findMany({ where: { id: { in: ids } }, select: publicUserSelect });
    return new Map(users.map((user) => [user.id, user]));
  }
}

/** The columns raw SQL should return (`RETURNING ${NOTIFICATION_COLUMNS}`) for payloadFromSql. */
export const NOTIFICATION_COLUMNS =
  "id, receiver_id, actor_id, kind, data, invitation_id, tournament_id, is_read, created_at";

export interface NotificationSqlRow {
  id: string;
  receiver_id: string;
  actor_id: string | null;
  kind: NotificationRecord["kind"];
  data: unknown;
  invitation_id: string | null;
  tournament_id: string | null;
  is_read: boolean;
  created_at: Date | string;
}

/** A row read with raw SQL (node-postgres or PGlite), for publishCreated / publishUpdated. */
export function payloadFromSql(row: NotificationSqlRow): NotificationRecord {
  return {
    id: row.id,
    receiverId: row.receiver_id,
    actorId: row.actor_id,
    kind: row.kind,
    data: row.data,
    invitationId: row.invitation_id,
    tournamentId: row.tournament_id,
    isRead: row.is_read,
    createdAt: row.created_at,
  };
}
