import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { MAX_PAGE_SIZE, pageArgs, pageWindow } from "../../graphql/pagination.ts";
import { MeRef, UserRef } from "../users/users.schema.ts";
import { JsonScalar } from "./json.scalar.ts";
import { type NotificationEvent, type NotificationPayload, notificationEventsOf } from "./notifications.events.ts";

export const NotificationKindEnum = builder.enumType("NotificationKind", {
  values: ["NEW_FRIEND", "GAME_INVITE", "NEW_TOURNAMENT"] as const,
});

const NotificationFilterEnum = builder.enumType("NotificationFilter", {
  values: {
    ALL: { description: "Read and unread." },
    UNREAD: { description: "Unread only." },
    READ: { description: "Read only." },
  } as const,
});

/** Resolved from the payload alone, actor included: the same shape for queries and events, no query per delivery. */
export const NotificationRef = builder.objectRef<NotificationPayload>("Notification").implement({
  description:
    "Something that happened to me. GAME_INVITE notifications are listed while their invitation is pending, " +
    "NEW_TOURNAMENT ones while their tournament is open.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({ type: NotificationKindEnum, resolve: (notification) => notification.kind }),
    isRead: t.exposeBoolean("isRead"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    actor: t.field({
      type: UserRef,
      nullable: true,
      description: "Who caused it, if they still exist.",
      resolve: (notification) => notification.actor,
    }),
    data: t.field({
      type: JsonScalar,
      description:
        "What the kind needs to render, as stored: always the actor's username, nickname and avatar; " +
        "NEW_TOURNAMENT adds tournamentId, tournamentName, alias and status (OPEN, then the tournament's new " +
        "status once it is retracted); GAME_INVITE the invitation's details.",
      resolve: (notification) => notification.data,
    }),
    invitationId: t.exposeID("invitationId", { nullable: true, description: "GAME_INVITE: the duel invitation." }),
    tournamentId: t.exposeID("tournamentId", { nullable: true, description: "NEW_TOURNAMENT: the tournament." }),
  }),
});

const NotificationPage = builder
  .objectRef<{ nodes: NotificationPayload[]; totalCount: number; hasNextPage: boolean }>("NotificationPage")
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [NotificationRef], resolve: (page) => page.nodes }),
      totalCount: t.exposeInt("totalCount"),
      hasNextPage: t.exposeBoolean("hasNextPage"),
    }),
  });

builder.objectField(MeRef, "unreadNotificationCount", (t) =>
  t.int({
    description: "My unread notifications, counted as `notifications(filter: UNREAD)` lists them.",
    resolve: (user, _args, ctx) => ctx.services.notifications.unreadCount(user.id),
  }),
);

builder.queryFields((t) => ({
  notifications: t.field({
    type: NotificationPage,
    description: `My notifications, newest first (page size 1 to ${MAX_PAGE_SIZE}, default 20).`,
    args: {
      filter: t.arg({ type: NotificationFilterEnum, required: false, defaultValue: "ALL" }),
      ...pageArgs,
    },
    resolve: (_root, args, ctx) =>
      ctx.services.notifications.list(requireViewer(ctx).id, args.filter ?? "ALL", pageWindow(args, 20)),
  }),
}));

builder.mutationFields((t) => ({
  markNotificationRead: t.field({
    type: NotificationRef,
    description: "Mark one of my notifications read; my other sockets receive a NotificationUpdatedEvent.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.notifications.markRead(requireViewer(ctx).id, args.id),
  }),
  markAllNotificationsRead: t.int({
    description: "Mark all my notifications read; returns how many were unread.",
    resolve: (_root, _args, ctx) => ctx.services.notifications.markAllRead(requireViewer(ctx).id),
  }),
}));

type EventOf<K extends NotificationEvent["kind"]> = Extract<NotificationEvent, { kind: K }>;

const NotificationCreatedEvent = builder
  .objectRef<EventOf<"NOTIFICATION_CREATED">>("NotificationCreatedEvent")
  .implement({
    description: "A new notification for me.",
    fields: (t) => ({
      at: t.expose("at", { type: "DateTime" }),
      notification: t.field({ type: NotificationRef, resolve: (event) => event.notification }),
    }),
  });

const NotificationUpdatedEvent = builder
  .objectRef<EventOf<"NOTIFICATION_UPDATED">>("NotificationUpdatedEvent")
  .implement({
    description: "One of my notifications changed: it was read, or what it is about is no longer actionable.",
    fields: (t) => ({
      at: t.expose("at", { type: "DateTime" }),
      notification: t.field({ type: NotificationRef, resolve: (event) => event.notification }),
    }),
  });

const NotificationEventRef = eventUnion<NotificationEvent>("NotificationEvent", {
  NOTIFICATION_CREATED: NotificationCreatedEvent,
  NOTIFICATION_UPDATED: NotificationUpdatedEvent,
});

builder.subscriptionFields((t) => ({
  notificationEvents: t.field({
    type: NotificationEventRef,
    description:
      "My notifications, live on every open socket. Starts with a StreamReadyEvent: refetch `notifications` " +
      "after it to catch up without a gap.",
    subscribe: (_root, _args, ctx) => notificationEventsOf(ctx.bus, requireViewer(ctx).id),
    resolve: (event) => event,
  }),
}));
