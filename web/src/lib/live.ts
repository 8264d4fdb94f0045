import type { Client } from "@urql/core";
import { chatEventsFeed } from "./chat/feed.ts";
import { duelsFeed } from "./duels/duels.live.ts";
import { notificationsFeed } from "./notifications/notifications.live.ts";

/**
 * An app-wide live feed: subscribes (or polls) once the user is signed in, and returns how to stop.
 * The layout starts every feed after sign-in and stops them all on sign-out, so nothing listens for
 * a signed-out user and a new sign-in starts fresh.
 */
export type LiveFeed = (client: Client) => () => void;

/** Every domain's app-wide live feed: add ONE import + entry for yours (like graphql/domains.ts). */
export const liveFeeds: readonly LiveFeed[] = [notificationsFeed, duelsFeed, chatEventsFeed];

/** Starts `feeds`; the returned function stops them all (a feed that throws on start is skipped, not fatal). */
export function startLiveFeeds(client: Client, feeds: readonly LiveFeed[] = liveFeeds): () => void {
  const stops: Array<() => void> = [];
  for (const feed of feeds) {
    try {
      stops.push(feed(client));
    } catch (error) {
      console.error("A live feed failed to start", error);
    }
  }
  return () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        stop();
      } catch (error) {
        console.error("A live feed failed to stop", error);
      }
    }
  };
}
