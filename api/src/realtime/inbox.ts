import { filter, pipe } from "graphql-yoga";
import type { EventBus } from "./event-bus.ts";
import { type InboxEvent, type StreamReady, topics } from "./topics.ts";

/** A domain's event kinds, each listed once: a kind missing here is a compile error, not a dropped event. */
export type KindSet<E extends { kind: string }> = Record<E["kind"], true>;

/** Pub/sub only nudges: `bus.publish` never rejects (it logs and counts failures); clients catch up by cursor. */
export async function publishToInboxes(bus: EventBus, userIds: readonly string[], event: InboxEvent): Promise<void> {
  await Promise.all([...new Set(userIds)].map((userId) => bus.publish(topics.inbox(userId), event)));
}

/** A user's inbox narrowed to one domain's kinds, starting with STREAM_READY once it is live. */
export function inboxEvents<E extends InboxEvent>(bus: EventBus, userId: string, kinds: KindSet<E>) {
  const wanted = (event: InboxEvent | StreamReady): event is E | StreamReady =>
    event.kind === "STREAM_READY" || Object.hasOwn(kinds, event.kind);
  return pipe(bus.subscribe(topics.inbox(userId)), filter(wanted));
}
