import { EventEmitter } from "node:events";
import { RedisPubSub } from "graphql-redis-subscriptions";
import { PubSub, type PubSubEngine } from "graphql-subscriptions";
import { FixedBuffer, Repeater } from "graphql-yoga";
import { Redis } from "ioredis";
import type { Logger } from "../infra/logger.ts";
import type { StreamReady, Topic } from "./topics.ts";

/** Events a slow subscriber may fall behind by before its stream is ended (it then catches up by cursor). */
const SUBSCRIBER_BUFFER = 1024;

/**
 * Typed pub/sub over an in-memory engine (embedded mode) or Redis (shared mode). Delivery is
 * at-most-once: the database is the source of truth and clients catch up by cursor.
 */
export interface EventBus {
  publish<T>(topic: Topic<T>, event: T): Promise<void>;
  /** Yields `STREAM_READY` once the underlying subscription is live, then the topic's events. */
  subscribe<T>(topic: Topic<T>): Repeater<T | StreamReady>;
  /** Live subscriptions in this process: what a leak would make grow. */
  activeSubscriptions(): number;
  close(): Promise<void>;
}

/** A Redis connection that logs its errors instead of crashing the process on them. */
export function connectRedis(redisUrl: string, logger: Logger, name: string): Redis {
  // Auto-pipelining sends the commands of one tick (rate limits, publishes of many messages) in one write;
  // a subscribed connection only (un)subscribes, so it gains nothing.
  const enableAutoPipelining = name !== "subscriber";
  const client = new Redis(redisUrl, { connectionName: `parley-${name}`, enableAutoPipelining });
  client.on("error", (error) => logger.error({ err: error, connection: name }, "redis connection error"));
  return client;
}

export function createEventBus(redisUrl: string | undefined, logger: Logger): EventBus {
  if (!redisUrl) {
    // One listener per live subscription is the design; leaks are caught by activeSubscriptions().
    const eventEmitter = new EventEmitter().setMaxListeners(0);
    return busOver(new PubSub({ eventEmitter }), async () => {});
  }
  // Separate connections: a subscribed Redis connection cannot run other commands.
  const publisher = connectRedis(redisUrl, logger, "publisher");
  const subscriber = connectRedis(redisUrl, logger, "subscriber");
  const engine = new RedisPubSub({ publisher, subscriber });
  return busOver(engine, async () => {
    await engine.close();
  });
}

function busOver(engine: PubSubEngine, closeEngine: () => Promise<void>): EventBus {
  let active = 0;
  return {
    activeSubscriptions: () => active,
    publish: (topic, event) => engine.publish(topic, event),
    subscribe<T>(topic: Topic<T>) {
      return new Repeater<T | StreamReady>(async (push, stop) => {
        const overflow = (error: unknown) => stop(error instanceof Error ? error : new Error(String(error)));
        const id = await engine.subscribe(
          topic,
          (event: T) => {
            try {
              push(event).catch(overflow);
            } catch (error) {
              overflow(error);
            }
          },
          {},
        );
        active++;
        push({ kind: "STREAM_READY", at: new Date().toISOString() }).catch(overflow);
        await stop;
        engine.unsubscribe(id);
        active--;
      }, new FixedBuffer(SUBSCRIBER_BUFFER));
    },
    close: closeEngine,
  };
}
