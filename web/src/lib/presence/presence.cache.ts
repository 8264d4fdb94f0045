import type { Cache, DataField } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";

/**
 * Presence events. A PresenceChangedEvent's user (id, isOnline, lastActivity) is normalized by graphcache, so
 * every query showing that user (the list's peers, a profile, search results) updates by itself. A stream's
 * StreamReadyEvent means it is live: what the cache holds for the watched users may have missed a change while
 * no stream ran (a reconnect), so their presence fields are refetched.
 */
export function presenceStreamReady(cache: Cache, usernames: readonly string[]): void {
  const watched = new Set(usernames.map((name) => name.toLowerCase()));
  for (const key of cachedUsers(cache)) {
    const username = cache.resolve(key, "username");
    if (typeof username !== "string" || !watched.has(username.toLowerCase())) continue;
    cache.invalidate(key, "isOnline");
    cache.invalidate(key, "lastActivity");
  }
}

/** The users the cache shows in the chat list pages (peers) and in `user(username:)` fields. */
function cachedUsers(cache: Cache): Set<string> {
  const keys = new Set<string>();
  const add = (value: DataField | undefined) => {
    if (typeof value === "string") keys.add(value);
  };
  for (const field of cache.inspectFields("Query")) {
    const value = cache.resolve("Query", field.fieldName, field.arguments ?? undefined);
    if (field.fieldName === "user") add(value);
    if (field.fieldName !== "chats" || typeof value !== "string") continue;
    const nodes = cache.resolve(value, "nodes");
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes) if (typeof node === "string") add(cache.resolve(node, "peer"));
  }
  return keys;
}

export const presenceCache: DomainCache = {
  updates: {
    Subscription: {
      presenceEvents: (result, args, cache) => {
        const event = result.presenceEvents;
        if (!event || typeof event !== "object" || !("__typename" in event)) return;
        if (event.__typename !== "StreamReadyEvent") return;
        const usernames = Array.isArray(args.usernames) ? args.usernames.filter((u) => typeof u === "string") : [];
        presenceStreamReady(cache, usernames);
      },
    },
  },
};
