import type { EventBus } from "../../realtime/event-bus.ts";
import { publishToInboxes } from "../../realtime/inbox.ts";

/**
 * A session ended (log-out, or theft detected on refresh). Every instance acts on it: its cached check of
 * that session is dropped and the session's open sockets close with 4403. Server-internal, never sent to clients.
 */
export interface SessionEndedEvent {
  kind: "SESSION_ENDED";
  at: string;
  sessionId: string;
}

/**
 * A follow or a block between two users was made or undone. To both users' inboxes, server-internal: the
 * presence streams open for them (friends, watch lists) re-read whom they watch.
 */
export interface RelationChangedEvent {
  kind: "RELATION_CHANGED";
  at: string;
  userIds: [string, string];
}

/** Never throws: failures are logged (a stream that missed it catches up when it reconnects). */
export function publishRelationChanged(bus: EventBus, userId: string, otherId: string): Promise<void> {
  const event: RelationChangedEvent = {
    kind: "RELATION_CHANGED",
    at: new Date().toISOString(),
    userIds: [userId, otherId],
  };
  return publishToInboxes(bus, [userId, otherId], event);
}
