import type { Notification, Prisma, PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { forbidden, notFound } from "../../graphql/errors.ts";
import type { PageWindow } from "../../graphql/pagination.ts";
import type { Logger } from "../../infra/logger.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { topics } from "../../realtime/topics.ts";
import { DEFAULT_AVATAR, type PublicUser, publicUserSelect } from "../users/users.service.ts";
import { type NotificationEvent, type NotificationPayload, toNotificationPayload } from "./notifications.events.ts";

export type NotificationFilter = "ALL" | "UNREAD";

/** A stored row (Prisma) or its event payload: what publishCreated/publishUpdated accept. */
export type NotificationLike = Notification | NotificationPayload;

export interface NotificationPage {
  nodes: NotificationPayload[];
  totalCount: number;
  hasNextPage: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Events published at once; a larger set goes out in chunks of this size. */
const PUBLISH_CHUNK = 500;

/**
 * Only what is still actionable is listed: a GAME_INVITE while its invitation is PENDING (and not past its
 * expiry, as isEngaged reads it), a NEW_TOURNAMENT while its tournament is OPEN (protocol §8.3). A join on
 * the invitation_id / tournament_id columns, never a scan of `data`.
 */
export function visibleNotification(now = new Date()): Prisma.NotificationWhereInput {
  const pending = { status: "PENDING" as const, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  return {
    AND: [
      { OR: [{ kind: { not: "GAME_INVITE" } }, { invitation: { is: pending } }] },
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
  /**
   * Actors by id for `Notification.actor`: one query per burst of resolutions, shared by every operation in
   * this process, so a fan-out's deliveries cost one query, not one per subscriber. Not cached: each burst
   * reads current profiles.
   */
  private readonly actors: DataLoader<string, PublicUser | null>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.actors = new DataLoader(
      async (ids) => {
        const users = await this.prisma.user.findMany({
          where: { id: { in: [...new Set(ids)] } },
          select: publicUserSelect,
        });
        const byId = new Map(users.map((user) => [user.id, user]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { cache: false, maxBatchSize: 1000, batchScheduleFn: (callback) => setTimeout(callback, 0) },
    );
  }

  /** Newest first; hides notifications that are no longer actionable (see visibleNotification). */
  async list(viewerId: string, filter: NotificationFilter, window: PageWindow): Promise<NotificationPage> {
    const where: Prisma.NotificationWhereInput = {
      receiverId: viewerId,
      ...(filter === "UNREAD" ? { isRead: false } : {}),
      ...visibleNotification(),
    };
    const [rows, totalCount] = await Promise.all([
      this.prisma.notification.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...window }),
      this.prisma.notification.count({ where }),
    ]);
    return { nodes: rows.map(toNotificationPayload), totalCount, hasNextPage: window.skip + rows.length < totalCount };
  }

  /** My unread notifications, as listed by `notifications(filter: UNREAD)`: the badge matches the list. */
  unreadCount(viewerId: string): Promise<number> {
    return this.prisma.notification.count({ where: { receiverId: viewerId, isRead: false, ...visibleNotification() } });
  }

  /** Only the receiver may read a notification; the change is pushed to their sockets. Idempotent. */
  async markRead(viewerId: string, id: string): Promise<NotificationPayload> {
    if (!UUID.test(id)) throw notFound("Notification not found.");
    const [updated] = await this.prisma.notification.updateManyAndReturn({
      where: { id, receiverId: viewerId, isRead: false },
      data: { isRead: true },
    });
    if (updated) {
      await this.publishUpdated([updated]);
      return toNotificationPayload(updated);
    }
    const row = await this.prisma.notification.findUnique({ where: { id } });
    if (!row) throw notFound("Notification not found.");
    if (row.receiverId !== viewerId) throw forbidden("This notification is not yours.");
    return toNotificationPayload(row); // already read
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
   * The NEW_FRIEND row for `receiverId`, as an unstarted Prisma query: run it in the caller's transaction,
   * then publish the created row with publishCreated.
   */
  newFriend(actor: PublicUser, receiverId: string) {
    return this.prisma.notification.create({
      data: { receiverId, actorId: actor.id, kind: "NEW_FRIEND", data: actorData(actor) },
    });
  }

  /** Pushes NOTIFICATION_CREATED for committed rows to each receiver's inbox. Never throws: failures are logged. */
  publishCreated(rows: readonly NotificationLike[]): Promise<void> {
    return this.publish("NOTIFICATION_CREATED", rows);
  }

  /** Pushes NOTIFICATION_UPDATED (read, or no longer actionable) for committed rows. Never throws. */
  publishUpdated(rows: readonly NotificationLike[]): Promise<void> {
    return this.publish("NOTIFICATION_UPDATED", rows);
  }

  /** Batched across every resolution in flight; null when the actor is unknown or deleted. */
  loadActor(actorId: string): Promise<PublicUser | null> {
    return this.actors.load(actorId);
  }

  /** Pub/sub only nudges: a failed publish is logged, the row stands, clients catch up by refetching. */
  private async publish(kind: NotificationEvent["kind"], rows: readonly NotificationLike[]): Promise<void> {
    const at = new Date().toISOString();
    for (let start = 0; start < rows.length; start += PUBLISH_CHUNK) {
      await Promise.all(
        rows.slice(start, start + PUBLISH_CHUNK).map((row) => {
          const notification = asPayload(row);
          return this.bus
            .publish(topics.inbox(notification.receiverId), { kind, at, notification })
            .catch((error: unknown) => this.logger.error({ err: error, kind }, "publish failed"));
        }),
      );
    }
  }
}

function asPayload(row: NotificationLike): NotificationPayload {
  return row.createdAt instanceof Date ? toNotificationPayload(row as Notification) : (row as NotificationPayload);
}

/** The columns raw SQL should return (`RETURNING ${NOTIFICATION_COLUMNS}`) for payloadFromSql. */
export const NOTIFICATION_COLUMNS =
  "id, receiver_id, actor_id, kind, data, invitation_id, tournament_id, is_read, created_at";

export interface NotificationSqlRow {
  id: string;
  receiver_id: string;
  actor_id: string | null;
  kind: NotificationPayload["kind"];
  data: unknown;
  invitation_id: string | null;
  tournament_id: string | null;
  is_read: boolean;
  created_at: Date | string;
}

/** A row read with raw SQL (node-postgres or PGlite) as an event payload. */
export function payloadFromSql(row: NotificationSqlRow): NotificationPayload {
  const data = typeof row.data === "string" ? JSON.parse(row.data) : row.data;
  return {
    id: row.id,
    receiverId: row.receiver_id,
    actorId: row.actor_id,
    kind: row.kind,
    data: (data ?? {}) as Record<string, unknown>,
    invitationId: row.invitation_id,
    tournamentId: row.tournament_id,
    isRead: row.is_read,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
