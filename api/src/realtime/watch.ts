import { FixedBuffer, Repeater } from "graphql-yoga";
import { type BusEvent, type EventBus, pushOrStop, SUBSCRIBER_BUFFER } from "./event-bus.ts";
import type { StreamReady, Topic } from "./topics.ts";

export interface WatchOptions<T extends BusEvent, C extends BusEvent> {
  /** the topics to listen to now: read at the start and after every change `control` announces */
  members(): Promise<Topic<T>[]>;
  /** where changes of the set are announced, and which of its events announce one */
  control: Topic<C>;
  changes(event: C): boolean;
}

/**
 * One stream over a set of topics that changes while it is open (a watch list): one buffer for all of them,
 * STREAM_READY once the first set is live. A topic leaving the set is unsubscribed, one joining it subscribed;
 * events of a topic joining are delivered from when it is live. A failure to re-read the set ends the stream
 * (the client reconnects and refetches).
 */
export function watchTopics<T extends BusEvent, C extends BusEvent>(
  bus: EventBus,
  options: WatchOptions<T, C>,
): Repeater<T | StreamReady> {
  return new Repeater<T | StreamReady>(async (push, stop) => {
    const deliver = (event: T | StreamReady) => pushOrStop(push, stop, event);
    const listening = new Map<Topic<T>, Promise<() => void>>();
    let open = true;
    const resync = coalesced(async () => {
      const wanted = new Set(await options.members());
      if (!open) return;
      for (const [topic, listener] of listening) {
        if (wanted.has(topic)) continue;
        listening.delete(topic);
        end(listener);
      }
      const added = [...wanted].filter((topic) => !listening.has(topic));
      for (const topic of added) listening.set(topic, bus.listen(topic, deliver));
      await Promise.all(added.map((topic) => listening.get(topic)));
    });
    const fail = (error: unknown) => stop(error instanceof Error ? error : new Error(String(error)));
    const endControl = await bus.listen(options.control, (event) => {
      if (options.changes(event)) resync().catch(fail);
    });
    resync().then(() => deliver({ kind: "STREAM_READY", at: new Date().toISOString() }), fail);
    await stop;
    open = false;
    endControl();
    for (const listener of listening.values()) end(listener);
  }, new FixedBuffer(SUBSCRIBER_BUFFER));
}

/** Ends a listener once it is live; one that never became live needs no ending. */
function end(listener: Promise<() => void>): void {
  listener.then(
    (stop) => stop(),
    () => {},
  );
}

/** Runs `run` one at a time: calls while it runs share one more run after it, which sees their changes. */
function coalesced(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const call = (): Promise<void> => {
    if (!running) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return call();
      });
    return next;
  };
  return call;
}
