import { chatCache } from "../chat/chat.cache.ts";
import { groupsCache } from "../groups/groups.cache.ts";
import type { DomainCache } from "./cache.ts";

/** Every domain's part of the cache (its updaters, resolvers, optimistic results): add yours here. */
export const domainCaches: readonly DomainCache[] = [chatCache, groupsCache];
