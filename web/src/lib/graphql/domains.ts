import { sessionCache } from "../session/session.cache.ts";
import type { DomainCache } from "./cache.ts";

/** Every domain's part of the cache (its updaters, resolvers, optimistic results): add yours here. */
export const domainCaches: readonly DomainCache[] = [sessionCache];
