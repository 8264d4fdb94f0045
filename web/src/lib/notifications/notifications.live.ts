import type { Client } from "@urql/core";
import {
  NotificationEventsDocument,
  type NotificationEventsSubscription,
  type NotificationFieldsFragment,
  UnreadNotificationCountDocument,
} from "../graphql/generated/graphql.ts";
import type { LiveFeed } from "../live.ts";
import { toast } from "../ui/toasts.ts";
import { actorUsername, describeNotification } from "./notifications.ts";
import { onceEach } from "./once.ts";

type Event = NotificationEventsSubscription["notificationEvents"];

const readyListeners = new Set<() => void>();
/**
 * Runs `listener` on every StreamReadyEvent of the notification feed (the first, and after each reconnect):
 * refetch then, and nothing that happened while the feed was down is missing.
 */
export function onNotificationsReady(listener: () => void): () => void {
  readyListeners.add(listener);
  return () => readyListeners.delete(listener);
}

/** The toast a new notification shows, if any: a new friend, a new tournament (invitations toast from their feed). */
export function notificationToast(note: NotificationFieldsFragment): { text: string; href: string } | undefined {
  if (note.isRead) return undefined;
  if (note.kind === "NEW_FRIEND") {
    const username = actorUsername(note);
    return {
      text: describeNotification(note),
      href: username ? `/u/${encodeURIComponent(username)}` : "/notifications",
    };
  }
  if (note.kind === "NEW_TOURNAMENT") return { text: describeNotification(note), href: "/notifications" };
  return undefined;
}

/** What the feed does with one event; `firstTime` says whether a key was not seen yet. */
export function handleNotificationEvent(
  client: Client,
  event: Event,
  firstTime: (key: string) => boolean,
  show: (text: string, href?: string) => void = toast,
): void {
  switch (event.__typename) {
    case "StreamReadyEvent":
      void client.query(UnreadNotificationCountDocument, {}, { requestPolicy: "network-only" }).toPromise();
      for (const listener of readyListeners) listener();
      return;
    case "NotificationCreatedEvent": {
      const shown = notificationToast(event.notification);
      if (shown && firstTime(`notification:${event.notification.id}`)) show(shown.text, shown.href);
      return;
    }
    case "NotificationUpdatedEvent":
      return; // the cache's updater has it
  }
}

/** The app-wide notification feed (lib/live.ts): the cache updates, toasts, and a refetch on every StreamReady. */
export const notificationsFeed: LiveFeed = (client) => {
  const firstTime = onceEach();
  const subscription = client.subscription(NotificationEventsDocument, {}).subscribe((result) => {
    const event = result.data?.notificationEvents;
    if (event) handleNotificationEvent(client, event, firstTime);
  });
  return () => subscription.unsubscribe();
};
