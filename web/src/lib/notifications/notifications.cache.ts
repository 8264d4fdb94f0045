import type { Cache } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import {
  type NotificationFieldsFragment,
  NotificationFieldsFragmentDoc,
  type NotificationFilter,
  NotificationsDocument,
  type NotificationsQuery,
  type NotificationsQueryVariables,
  UnreadNotificationCountDocument,
} from "../graphql/generated/graphql.ts";
import { isActionable } from "./notifications.ts";

type Note = NotificationFieldsFragment;

/**
 * What this cache last counted each notification as in `me.unreadNotificationCount` (true: read, or no longer
 * listed). Graphcache writes an event's entities before its updater runs, so the entity alone cannot tell
 * whether the change is new; this memory does, per cache, so an event applied twice counts once.
 */
const counted = new WeakMap<Cache, Map<string, boolean>>();
function memoryOf(cache: Cache): Map<string, boolean> {
  let memory = counted.get(cache);
  if (!memory) {
    memory = new Map();
    counted.set(cache, memory);
  }
  return memory;
}

/** Every cached page of `notifications(filter:, first:, offset:)`, with its arguments. */
function cachedPages(cache: Cache, filter?: NotificationFilter): NotificationsQueryVariables[] {
  const pages: NotificationsQueryVariables[] = [];
  for (const field of cache.inspectFields("Query")) {
    if (field.fieldName !== "notifications" || !field.arguments) continue;
    const { filter: pageFilter = "ALL", first, offset = 0 } = field.arguments;
    if (typeof pageFilter !== "string" || typeof first !== "number" || typeof offset !== "number") continue;
    if (pageFilter !== "ALL" && pageFilter !== "UNREAD" && pageFilter !== "READ") continue;
    if (filter && pageFilter !== filter) continue;
    pages.push({ filter: pageFilter, first, offset });
  }
  return pages;
}

const listedIn = (page: NotificationsQuery | null, id: string) =>
  page?.notifications.nodes.some((node) => node.id === id) ?? false;

function isListed(cache: Cache, id: string, filter?: NotificationFilter): boolean {
  return cachedPages(cache, filter).some((variables) =>
    listedIn(cache.readQuery({ query: NotificationsDocument, variables }), id),
  );
}

/** Puts `note` first on every cached first page of `filter`, unless it is there already (by id). */
function prepend(cache: Cache, filter: NotificationFilter, note: Note): void {
  for (const variables of cachedPages(cache, filter)) {
    if (variables.offset !== 0) continue;
    cache.updateQuery({ query: NotificationsDocument, variables }, (data) => {
      if (!data || listedIn(data, note.id)) return data;
      const { nodes, totalCount } = data.notifications;
      return { notifications: { ...data.notifications, nodes: [note, ...nodes], totalCount: totalCount + 1 } };
    });
  }
}

/** Takes the notification `id` off every cached page of `filter` (or of every filter). */
function remove(cache: Cache, id: string, filter?: NotificationFilter): void {
  for (const variables of cachedPages(cache, filter)) {
    cache.updateQuery({ query: NotificationsDocument, variables }, (data) => {
      if (!data || !listedIn(data, id)) return data;
      const { nodes, totalCount } = data.notifications;
      const kept = nodes.filter((node) => node.id !== id);
      return { notifications: { ...data.notifications, nodes: kept, totalCount: Math.max(0, totalCount - 1) } };
    });
  }
}

/** Adds `delta` to the cached me.unreadNotificationCount (never below 0); nothing when it is not cached. */
function addToUnreadCount(cache: Cache, delta: number): void {
  cache.updateQuery({ query: UnreadNotificationCountDocument }, (data) =>
    data ? { me: { ...data.me, unreadNotificationCount: Math.max(0, data.me.unreadNotificationCount + delta) } } : data,
  );
}

/** The count cannot be derived here: it is fetched again (by the queries watching it). */
export function refetchUnreadCount(cache: Cache): void {
  const me = cache.resolve("Query", "me");
  if (typeof me === "string") cache.invalidate(me, "unreadNotificationCount");
}

/** NotificationCreatedEvent: a new notification, first on the lists it belongs to, and counted if unread. */
export function notificationCreated(cache: Cache, note: Note): void {
  const listed = isActionable(note);
  const readNow = note.isRead || !listed;
  const memory = memoryOf(cache);
  // Already counted, or already fetched with a count that includes it.
  const known = memory.has(note.id) || isListed(cache, note.id);
  memory.set(note.id, readNow);
  if (!known && !readNow) addToUnreadCount(cache, 1);
  if (!listed) return;
  prepend(cache, "ALL", note);
  if (!note.isRead) prepend(cache, "UNREAD", note);
}

/**
 * NotificationUpdatedEvent, and markNotificationRead's result: read (it leaves the Unread lists), or no
 * longer actionable (it leaves every list, as the API lists it). The count moves once per change.
 */
export function notificationUpdated(cache: Cache, note: Note): void {
  const listed = isActionable(note);
  const readNow = note.isRead || !listed;
  const memory = memoryOf(cache);
  const before = memory.get(note.id);
  memory.set(note.id, readNow);
  if (before === undefined) {
    // Fetched, not pushed: an Unread list showing it means the fetched count included it.
    if (readNow && isListed(cache, note.id, "UNREAD")) addToUnreadCount(cache, -1);
    else refetchUnreadCount(cache);
  } else if (before !== readNow) {
    addToUnreadCount(cache, readNow ? -1 : 1);
  }
  if (!listed) remove(cache, note.id);
  else if (note.isRead) remove(cache, note.id, "UNREAD");
}

/** markAllNotificationsRead: every notification read, the Unread lists empty, the count 0. */
export function allNotificationsRead(cache: Cache): void {
  const memory = memoryOf(cache);
  for (const variables of cachedPages(cache)) {
    const data = cache.readQuery({ query: NotificationsDocument, variables });
    for (const node of data?.notifications.nodes ?? []) {
      memory.set(node.id, true);
      if (!node.isRead) cache.writeFragment(NotificationFieldsFragmentDoc, { ...node, isRead: true });
    }
    if (variables.filter === "UNREAD") {
      cache.updateQuery({ query: NotificationsDocument, variables }, (page) =>
        page ? { notifications: { ...page.notifications, nodes: [], totalCount: 0, hasNextPage: false } } : page,
      );
    }
  }
  for (const id of memory.keys()) memory.set(id, true);
  cache.updateQuery({ query: UnreadNotificationCountDocument }, (data) =>
    data ? { me: { ...data.me, unreadNotificationCount: 0 } } : data,
  );
}

const isNote = (value: unknown): value is Note =>
  typeof value === "object" &&
  value !== null &&
  Reflect.get(value, "__typename") === "Notification" &&
  typeof Reflect.get(value, "id") === "string";

/** The notification of an event (`{ notification }`) or of a mutation's result (the notification itself). */
function noteOf(value: unknown): Note | undefined {
  if (isNote(value)) return value;
  const inner: unknown = value && typeof value === "object" ? Reflect.get(value, "notification") : undefined;
  return isNote(inner) ? inner : undefined;
}

export const notificationsCache: DomainCache = {
  updates: {
    Mutation: {
      markNotificationRead: (result, _args, cache) => {
        const note = noteOf(result.markNotificationRead);
        if (note) notificationUpdated(cache, note);
      },
      markAllNotificationsRead: (_result, _args, cache) => allNotificationsRead(cache),
    },
    Subscription: {
      notificationEvents: (result, _args, cache) => {
        const event = result.notificationEvents;
        if (!event || typeof event !== "object") return;
        const note = noteOf(event);
        const type = Reflect.get(event, "__typename");
        if (note && type === "NotificationCreatedEvent") notificationCreated(cache, note);
        else if (note && type === "NotificationUpdatedEvent") notificationUpdated(cache, note);
        // StreamReadyEvent: the live feed refetches the count and the first pages (notifications.live.ts).
      },
    },
  },
};
