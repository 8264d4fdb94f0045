import type { Client } from "@urql/core";
import { PresenceOfUsersDocument } from "../graphql/generated/graphql.ts";

/** The API's bound on a USERS watch list. */
export const MAX_WATCHED = 100;

/** The watch list as the subscription takes it: distinct (any case), sorted, at most MAX_WATCHED. */
export function watchList(usernames: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const name of usernames) if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()].sort((a, b) => a.localeCompare(b)).slice(0, MAX_WATCHED);
}

/**
 * Keeps a `presenceEvents(scope: USERS)` stream open for `usernames` until the returned function is called.
 * Its events land in the cache (presence.cache.ts), where User.isOnline and lastActivity are read by every view.
 * `onReady` runs on each StreamReadyEvent (the stream is live, also after a reconnect): refetch what you show
 * (network-only) to start from a complete picture.
 */
export function watchPresence(client: Client, usernames: readonly string[], onReady?: () => void): () => void {
  const list = watchList(usernames);
  if (list.length === 0) return () => {};
  const { unsubscribe } = client.subscription(PresenceOfUsersDocument, { usernames: list }).subscribe((result) => {
    if (result.data?.presenceEvents.__typename === "StreamReadyEvent") onReady?.();
  });
  return unsubscribe;
}
