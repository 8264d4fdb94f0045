import type { PrismaClient } from "@parley/db";
import { badInput, notFound } from "../../graphql/errors.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { notBlocking } from "../users/blocks.ts";
import { lookupKey } from "../users/users.validation.ts";
import { presenceEventsOf, watchedPresenceEvents } from "./presence.events.ts";

/** Whose presence a stream carries: everyone (the legacy broadcast), the people I follow, or a watch list. */
export type PresenceScope = "EVERYONE" | "FRIENDS" | "USERS";

/** A watch list (USERS) names at most this many users: the argument's bound (maxItems) enforces it. */
export const WATCH_LIST_MAX = 100;

/**
 * The presence stream of a scope. FRIENDS and USERS leave out users who blocked the viewer (the viewer's own
 * blocks stay visible to them, as in search), and follow follows and blocks made while they are open.
 * EVERYONE stays the legacy broadcast: not filtered by blocks.
 */
export async function presenceStream(
  deps: { prisma: PrismaClient; bus: EventBus },
  viewerId: string,
  scope: PresenceScope,
  usernames: readonly string[] | undefined,
) {
  if (scope !== "USERS" && usernames !== undefined)
    throw badInput(`usernames only go with the USERS scope.`, "usernames");
  if (scope === "EVERYONE") return presenceEventsOf(deps.bus);
  if (scope === "FRIENDS")
    return watchedPresenceEvents(deps.bus, viewerId, () => visibleFriends(deps.prisma, viewerId));
  const ids = await watchList(deps.prisma, usernames ?? []);
  return watchedPresenceEvents(deps.bus, viewerId, () => visibleAmong(deps.prisma, viewerId, ids));
}

/** The ids of the watch list's users; every username must name one. */
async function watchList(prisma: PrismaClient, usernames: readonly string[]): Promise<string[]> {
  if (usernames.length === 0) throw badInput("The USERS scope needs at least one username.", "usernames");
  const keys = [...new Set(usernames.map(lookupKey))];
  const users = await prisma.user.findMany({
    where: { usernameKey: { in: keys } },
    select: { id: true, usernameKey: true },
  });
  const found = new Set(users.map((user) => user.usernameKey));
  const unknown = usernames.filter((username) => !found.has(lookupKey(username)));
  if (unknown.length > 0) throw notFound(`No user is named ${unknown.slice(0, 5).join(", ")}.`);
  return users.map((user) => user.id);
}

/** The people the viewer follows, less those who blocked them. */
async function visibleFriends(prisma: PrismaClient, viewerId: string): Promise<string[]> {
  const rows = await prisma.friendship.findMany({
    where: { userId: viewerId, friend: notBlocking(viewerId) },
    select: { friendId: true },
  });
  return rows.map((row) => row.friendId);
}

async function visibleAmong(prisma: PrismaClient, viewerId: string, ids: string[]): Promise<string[]> {
  const rows = await prisma.user.findMany({
    where: { id: { in: ids }, ...notBlocking(viewerId) },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
