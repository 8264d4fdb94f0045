import type { User } from "@parley/db";
import DataLoader from "dataloader";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { pageArgs, pageWindow } from "../../graphql/pagination.ts";
import { topics } from "../../realtime/topics.ts";
import { UserPage, UserRef } from "../users/users.schema.ts";
import type { PresenceEvent, PresenceUser } from "./presence.events.ts";

interface PresenceLoaders {
  /** last activity if online, else null: one store lookup for every user of a result */
  live: DataLoader<string, number | null>;
  /** users.last_activity, for users whose row is not at hand (event payloads) */
  saved: DataLoader<string, Date>;
}

// Per operation, without caching: a subscription keeps its context for as long as it lives, and presence moves.
const loadersByContext = new WeakMap<Context, PresenceLoaders>();

function loaders(ctx: Context): PresenceLoaders {
  let found = loadersByContext.get(ctx);
  if (!found) {
    found = {
      live: new DataLoader((ids) => ctx.services.presence.lastActivity(ids), { cache: false }),
      saved: new DataLoader(
        async (ids) => {
          const rows = await ctx.prisma.user.findMany({
            where: { id: { in: [...ids] } },
            select: { id: true, lastActivity: true },
          });
          const byId = new Map(rows.map((row) => [row.id, row.lastActivity]));
          return ids.map((id) => byId.get(id) ?? new Error(`User ${id} not found`));
        },
        { cache: false },
      ),
    };
    loadersByContext.set(ctx, found);
  }
  return found;
}

/** A presence event carries the user's presence inline: resolve from it, not from a lookup per subscriber. */
function carried(user: User): PresenceUser | undefined {
  const candidate = user as unknown as Partial<PresenceUser>;
  return typeof candidate.isOnline === "boolean" ? (candidate as PresenceUser) : undefined;
}

builder.objectField(UserRef, "isOnline", (t) =>
  t.boolean({
    description:
      "Has an open socket or was active recently (a request, a message, a like); idle for PRESENCE_INACTIVITY " +
      "(30 minutes by default) counts as offline.",
    resolve: async (user, _args, ctx) => carried(user)?.isOnline ?? (await loaders(ctx).live.load(user.id)) !== null,
  }),
);

builder.objectField(UserRef, "lastActivity", (t) =>
  t.field({
    type: "DateTime",
    description: "The user's last activity: exact while they are online, to the minute otherwise.",
    resolve: async (user, _args, ctx) => {
      const inline = carried(user);
      if (inline) return inline.lastActivity;
      const live = await loaders(ctx).live.load(user.id);
      if (live !== null) return new Date(live);
      const saved = user.lastActivity instanceof Date ? user.lastActivity : await loaders(ctx).saved.load(user.id);
      const unsaved = ctx.services.presence.unsavedActivity(user.id) ?? 0;
      return unsaved > saved.getTime() ? new Date(unsaved) : saved;
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
    user: t.field({ type: UserRef, resolve: (event) => event.user as never }),
  }),
});

const PresenceEventRef = eventUnion("PresenceEvent", { PRESENCE_CHANGED: PresenceChangedEvent });

builder.subscriptionFields((t) => ({
  presenceEvents: t.field({
    type: PresenceEventRef,
    description:
      "Every user going online or offline, on every socket. Starts with a StreamReadyEvent: query `onlineUsers` " +
      "or `isOnline` after it to start from a complete picture.",
    subscribe: (_root, _args, ctx) => {
      requireViewer(ctx);
      return ctx.bus.subscribe(topics.presence);
    },
    resolve: (event) => event as never,
  }),
}));
