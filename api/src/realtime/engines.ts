import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import type { Logger } from "../infra/logger.ts";

type Listener = (event: unknown) => void;

/** The pub/sub the event bus runs on: in this process, or Redis. */
export interface PubSubEngine {
  publish(topic: string, event: unknown): Promise<unknown>;
  /** Resolves once events of `topic` reach `listener`; the returned function ends that. */
  subscribe(topic: string, listener: Listener): Promise<() => void>;
  close(): Promise<void>;
}

/** QUIT, or just drop the connection if Redis is away (a QUIT cannot be sent then: nothing queues). */
export async function closeRedis(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

export function memoryEngine(): PubSubEngine {
  // One listener per live subscription is the design; leaks are caught by EventBus.activeSubscriptions().
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    publish: async (topic, event) => emitter.emit(topic, event),
    async subscribe(topic, listener) {
      emitter.on(topic, listener);
      return () => emitter.off(topic, listener);
    },
    close: async () => void emitter.removeAllListeners(),
  };
}

interface Channel {
  listeners: Set<Listener>;
  subscribed: Promise<void>;
  live: boolean;
}

/**
 * Redis pub/sub, JSON on the wire, one SUBSCRIBE per channel however many listeners it has. Every command's
 * outcome is handled, so a Redis outage fails the callers that wait (a new subscription) and nothing else (in
 * graphql-redis-subscriptions a failed SUBSCRIBE is an unhandled rejection, which ends the process). ioredis
 * resubscribes live channels after a reconnect; an UNSUBSCRIBE that failed meanwhile is sent again then.
 */
export function redisEngine(publisher: Redis, subscriber: Redis, logger: Logger): PubSubEngine {
  const channels = new Map<string, Channel>();
  const unsubscribeLater = new Set<string>();

  const unsubscribe = (topic: string) => {
    subscriber.unsubscribe(topic).then(
      () => unsubscribeLater.delete(topic),
      () => unsubscribeLater.add(topic),
    );
  };
  subscriber.on("ready", () => {
    for (const topic of unsubscribeLater) if (!channels.has(topic)) unsubscribe(topic);
  });
  subscriber.on("message", (topic: string, message: string) => {
    const channel = channels.get(topic);
    if (!channel?.live) return;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch (error) {
      logger.warn({ err: error, topic }, "pub/sub: a message that is not JSON was ignored");
      return;
    }
    for (const listener of channel.listeners) listener(event);
  });

  function open(topic: string): Channel {
    unsubscribeLater.delete(topic);
    const channel: Channel = { listeners: new Set(), subscribed: Promise.resolve(), live: false };
    channel.subscribed = subscriber.subscribe(topic).then(
      () => {
        channel.live = true;
      },
      (error: unknown) => {
        if (channels.get(topic) === channel) channels.delete(topic);
        throw error;
      },
    );
    channel.subscribed.catch(() => {}); // each waiting subscriber gets the error; none is left unhandled
    channels.set(topic, channel);
    return channel;
  }

  return {
    publish: (topic, event) => publisher.publish(topic, JSON.stringify(event)),
    async subscribe(topic, listener) {
      const channel = channels.get(topic) ?? open(topic);
      channel.listeners.add(listener);
      try {
        await channel.subscribed;
      } catch (error) {
        channel.listeners.delete(listener);
        throw error;
      }
      return () => {
        channel.listeners.delete(listener);
        if (channel.listeners.size > 0 || channels.get(topic) !== channel) return;
        channels.delete(topic);
        unsubscribe(topic);
      };
    },
    async close() {
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
