import type { ChatEvent } from "../domains/chat/chat.events.ts";
import type { GameEvent } from "../domains/games/games.events.ts";
import type { InvitationEvent } from "../domains/invitations/invitations.events.ts";
import type { NotificationEvent } from "../domains/notifications/notifications.events.ts";
import type { PresenceEvent } from "../domains/presence/presence.events.ts";
import type { RelationChangedEvent, SessionEndedEvent } from "../domains/users/users.events.ts";
import type { EventBus } from "./event-bus.ts";

/** A pub/sub channel name that carries events of type T. Build topics only through `topics`. */
export type Topic<T> = string & { readonly __event?: T };

/** Everything pushed to one user: fan-out on write to `user:{id}`, so authorization is structural. */
export type InboxEvent = ChatEvent | NotificationEvent | InvitationEvent | GameEvent | RelationChangedEvent;

export interface StreamReady {
  kind: "STREAM_READY";
  at: string;
}

/** The one registry of topics; domains publish and subscribe through their `*.events.ts`, never by name. */
export const topics = {
  inbox: (userId: string) => `user:${userId}` as Topic<InboxEvent>,
  /** Presence is the exception to per-user inboxes: one shared channel, the profile carried inline. */
  presence: "presence" as Topic<PresenceEvent>,
  /** One user's presence changes, for the streams watching them (friends, watch lists). */
  presenceOf: (userId: string) => `presence:${userId}` as Topic<PresenceEvent>,
  /** Ended sessions, for every instance's auth cache and sockets. */
  sessions: "sessions" as Topic<SessionEndedEvent>,
};

/**
 * Every channel under `prefix` (REDIS_KEY_PREFIX), applied here and nowhere else, so deployments sharing a
 * Redis never hear each other.
 */
export function withChannelPrefix(bus: EventBus, prefix: string): EventBus {
  const channel = <T>(topic: Topic<T>) => `${prefix}${topic}` as Topic<T>;
  return {
    publish: (topic, event) => bus.publish(channel(topic), event),
    subscribe: (topic) => bus.subscribe(channel(topic)),
    listen: (topic, listener) => bus.listen(channel(topic), listener),
    activeSubscriptions: () => bus.activeSubscriptions(),
    publishStats: () => bus.publishStats(),
    close: () => bus.close(),
  };
}
