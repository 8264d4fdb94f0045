import type { Cache } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import { type PresenceFieldsFragment, PresenceFieldsFragmentDoc } from "../graphql/generated/graphql.ts";

/**
 * A user went online or offline (PresenceChangedEvent): their User entity takes the event's presence, so every
 * query showing them (the list's peers, a profile, search results) updates by itself. Writing it twice changes
 * nothing. The StreamReadyEvent is the watcher's (presence.ts): it refetches what it shows, rather than
 * invalidating fields here, which would show the list without its peers until the refetch answered.
 */
export function presenceChanged(cache: Cache, user: PresenceFieldsFragment): void {
  cache.writeFragment(PresenceFieldsFragmentDoc, user);
}

function presenceUser(value: unknown): PresenceFieldsFragment | undefined {
  if (!value || typeof value !== "object" || !("user" in value)) return undefined;
  const user = value.user;
  if (!user || typeof user !== "object") return undefined;
  if (!("id" in user) || typeof user.id !== "string") return undefined;
  if (!("isOnline" in user) || typeof user.isOnline !== "boolean") return undefined;
  if (!("lastActivity" in user) || typeof user.lastActivity !== "string") return undefined;
  return { id: user.id, isOnline: user.isOnline, lastActivity: user.lastActivity };
}

export const presenceCache: DomainCache = {
  updates: {
    Subscription: {
      presenceEvents: (result, _args, cache) => {
        const user = presenceUser(result.presenceEvents);
        if (user) presenceChanged(cache, user);
      },
    },
  },
};
