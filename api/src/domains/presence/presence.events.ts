import type { EventBus } from "../../realtime/event-bus.ts";
import { topics } from "../../realtime/topics.ts";
import type { PublicUser } from "../users/users.service.ts";

export type PresenceStatus = "ONLINE" | "OFFLINE";

/** A user's presence as of an event, carried with their profile so every receiver renders it without a query. */
export interface CarriedPresence {
  isOnline: boolean;
  /** ISO string: the activity that made them online, or their last one before going offline */
  lastActivity: string;
}

/**
 * A user went online or offline. Broadcast on the one shared `presence` topic (not per-user inboxes): every
 * connected user receives it, with the profile inline so delivery needs no query.
 */
export interface PresenceEvent {
  kind: "PRESENCE_CHANGED";
  at: string;
  user: PublicUser & { presence: CarriedPresence };
  status: PresenceStatus;
}

export function publishPresence(bus: EventBus, event: PresenceEvent): Promise<void> {
  return bus.publish(topics.presence, event);
}

/** Every user's presence changes, starting with STREAM_READY once live. */
export function presenceEventsOf(bus: EventBus) {
  return bus.subscribe(topics.presence);
}
