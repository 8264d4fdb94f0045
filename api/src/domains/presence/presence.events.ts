import type { EventBus } from "../../realtime/event-bus.ts";
import { topics } from "../../realtime/topics.ts";
import { watchTopics } from "../../realtime/watch.ts";
import type { PublicUser } from "../users/users.service.ts";

export type PresenceStatus = "ONLINE" | "OFFLINE";

/** A user's presence as of an event, carried with their profile so every receiver renders it without a query. */
export interface CarriedPresence {
  isOnline: boolean;
  /** ISO string: the activity that made them online, or their last one before going offline */
  lastActivity: string;
  /** a player of a live game when the event was published */
  inGame: boolean;
}

/**
 * A user went online or offline, with the profile inline so delivery needs no query. Published twice: on the one
 * shared `presence` topic (EVERYONE: every connected user hears it, the legacy broadcast) and on the user's own
 * `presence:{id}` topic, which only streams watching them (FRIENDS, USERS) listen to.
 *
 * Why per-user topics: a change then costs one more PUBLISH, and Redis hands it only to the instances, and the
 * bus only to the streams, listening to that user; nothing is queried on publish. Publishing to followers'
 * inboxes instead costs a follower query per change and a publish per follower (connected or not), and a
 * watch list (USERS) would need a registry of its own of who watches whom. The price here is paid at
 * subscribe: one listener per watched user (Redis SUBSCRIBEs are shared by the streams of one instance).
 */
export interface PresenceEvent {
  kind: "PRESENCE_CHANGED";
  at: string;
  user: PublicUser & { presence: CarriedPresence };
  status: PresenceStatus;
}

export async function publishPresence(bus: EventBus, event: PresenceEvent): Promise<void> {
  await Promise.all([bus.publish(topics.presence, event), bus.publish(topics.presenceOf(event.user.id), event)]);
}

/** Every user's presence changes, starting with STREAM_READY once live. */
export function presenceEventsOf(bus: EventBus) {
  return bus.subscribe(topics.presence);
}

/**
 * Presence changes of the users `watched()` names, starting with STREAM_READY once live. The list is read again
 * whenever a follow or a block of the viewer changes (RELATION_CHANGED in their inbox), so the stream follows it.
 */
export function watchedPresenceEvents(bus: EventBus, viewerId: string, watched: () => Promise<string[]>) {
  return watchTopics(bus, {
    members: async () => (await watched()).map(topics.presenceOf),
    control: topics.inbox(viewerId),
    changes: (event) => event.kind === "RELATION_CHANGED",
  });
}
