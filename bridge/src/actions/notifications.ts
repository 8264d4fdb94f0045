import { createdNotificationFrame } from "../legacy/notification-frames.ts";
import { legacyData } from "../legacy/schemas.ts";
import {
  MarkNotificationReadDocument,
  NotificationFeedDocument,
  type NotificationFeedSubscription,
} from "../operations/generated/graphql.ts";
import { type ActionTable, action, type Domain, type LiveFeed } from "./action.ts";

/**
 * §3.4, without the legacy gap: only the caller's own notifications can be read (the API refuses others', and
 * that refusal is silent, as an unknown id is). An empty id, which crashes legacy, closes 3100.
 */
const readNotification = action({
  data: legacyData.read_notification,
  run: async ({ id }, ctx) => {
    await ctx.api.execute({ document: MarkNotificationReadDocument, variables: { id } });
  },
});

export const notificationActions: ActionTable = { read_notification: readNotification };

/** game_invite, new_friend and new_tournament frames to every socket of the receiver (§4.5, §4.9, §4.10). */
export const notificationFeed: LiveFeed<NotificationFeedSubscription> = {
  operation: { document: NotificationFeedDocument, variables: {} },
  frames: ({ notificationEvents: event }) => {
    if (event.__typename !== "NotificationCreatedEvent") return [];
    const frame = createdNotificationFrame(event.notification);
    return frame ? [frame] : [];
  },
};

export const notifications: Domain = { actions: notificationActions, feeds: [notificationFeed] };
