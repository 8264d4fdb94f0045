import { chatCache } from "../chat/chat.cache.ts";
import { conversationsCache } from "../conversations/conversations.cache.ts";
import { duelsCache } from "../duels/duels.cache.ts";
import { groupsCache } from "../groups/groups.cache.ts";
import { notificationsCache } from "../notifications/notifications.cache.ts";
import { presenceCache } from "../presence/presence.cache.ts";
import { sessionCache } from "../session/session.cache.ts";
import { usersCache } from "../users/users.cache.ts";
import type { DomainCache } from "./cache.ts";

/** Every domain's part of the cache (its updaters, resolvers, optimistic results): add yours here. */
export const domainCaches: readonly DomainCache[] = [
  chatCache,
  conversationsCache,
  duelsCache,
  groupsCache,
  notificationsCache,
  presenceCache,
  sessionCache,
  usersCache,
];
