import type { Notification } from "@parley/db";
import type { Logger } from "../../infra/logger.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { type InboxEvent, topics } from "../../realtime/topics.ts";

/** Pub/sub only nudges: a failed publish is logged and the committed write stands (clients refetch). */
export async function publishToInboxes(
  bus: EventBus,
  logger: Logger,
  userIds: readonly string[],
  event: InboxEvent,
): Promise<void> {
  await Promise.all(
    [...new Set(userIds)].map((userId) =>
      bus.publish(topics.inbox(userId), event).catch((error: unknown) => {
        logger.error({ err: error, kind: event.kind }, "publish failed");
      }),
    ),
  );
}

/** Pushes notification rows that were already written (and committed) to their receivers: NotificationsService. */
export interface NotificationPublisher {
  publishCreated(rows: readonly Notification[]): Promise<void>;
  publishUpdated(rows: readonly Notification[]): Promise<void>;
}
