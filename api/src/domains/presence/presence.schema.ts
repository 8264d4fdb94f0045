import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { pageArgs, pageWindow } from "../../graphql/pagination.ts";
import { UserPage, UserRef } from "../users/users.schema.ts";
import { type PresenceEvent, presenceEventsOf } from "./presence.events.ts";

builder.objectField(UserRef, "isOnline", (t) =>
  t.boolean({
    description:
      "Has an open socket or was active recently (a request, a message, a like); idle for PRESENCE_INACTIVITY " +
      "(30 minutes by default) counts as offline.",
    // the viewer is online by the operation itself (a request is activity, a socket a connection), even before
    // the store has recorded it
    resolve: async (user, _args, ctx) =>
      user.presence?.isOnline ??
      (user.id === ctx.viewer?.id || (await ctx.services.presence.liveActivity(user.id)) !== null),
  }),
);

builder.objectField(UserRef, "lastActivity", (t) =>
  t.field({
    type: "DateTime",
    description: "The user's last activity: exact while they are online, to the minute otherwise.",
    resolve: async (user, _args, ctx) => {
      if (user.presence) return user.presence.lastActivity;
      const live = await ctx.services.presence.liveActivity(user.id);
      return live !== null ? new Date(live) : ctx.services.presence.savedActivity(user.id, user.lastActivity);
    },
  }),
);

builder.queryFields((t) => ({
  onlineUsers: t.field({
    type: UserPage,
    description: "Users online now, most recently active first.",
    args: pageArgs,
    resolve: (_root, args, ctx) => {
      requireViewer(ctx);
      return ctx.services.presence.onlineUsers(pageWindow(args, 20));
    },
  }),
}));

const PresenceStatusRef = builder.enumType("PresenceStatus", { values: ["ONLINE", "OFFLINE"] as const });

const PresenceChangedEvent = builder.objectRef<PresenceEvent>("PresenceChangedEvent").implement({
  description: "A user went online or offline. `user` shows their presence as of this event.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    status: t.field({ type: PresenceStatusRef, resolve: (event) => event.status }),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
  }),
});

const PresenceEventRef = eventUnion<PresenceEvent>("PresenceEvent", { PRESENCE_CHANGED: PresenceChangedEvent });

builder.subscriptionFields((t) => ({
  presenceEvents: t.field({
    type: PresenceEventRef,
    description:
      "Every user going online or offline, on every socket. Starts with a StreamReadyEvent: query `onlineUsers` " +
      "or `isOnline` after it to start from a complete picture.",
    subscribe: (_root, _args, ctx) => {
      requireViewer(ctx);
      return presenceEventsOf(ctx.bus);
    },
    resolve: (event) => event,
  }),
}));
