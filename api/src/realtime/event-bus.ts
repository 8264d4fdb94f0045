import { FixedBuffer, Repeater } from "graphql-yoga";
import { Redis } from "ioredis";
import type { Logger } from "../infra/logger.ts";
import { memoryEngine, type PubSubEngine, redisEngine } from "./engines.ts";
import type { StreamReady, Topic } from "./topics.ts";

export { closeRedis } from "./engines.ts";

/** Events a slow subscriber may fall behind by before its stream is ended (it then catches up by cursor). */
export const SUBSCRIBER_BUFFER = 1024;
/** A Redis command without a reply by then fails (a hung or partitioned server), so nothing waits longer. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;
/** Publishes handed to Redis and not yet answered; past this, new ones are dropped (and counted). */
const MAX_PENDING_PUBLISHES = 10_000;
/** Publish failures are logged at most once per this interval, with their count: an outage must not flood logs. */
const FAILURE_LOG_INTERVAL_MS = 5000;

/** For a metrics module: publishes waiting for Redis, and totals of those that failed or were dropped. */
export interface PublishStats {
  pending: number;
  failed: number;
  dropped: number;
}

/**
 * Typed pub/sub over an in-memory engine (embedded mode) or Redis (shared mode). Delivery is
 * at-most-once: the database is the source of truth and clients catch up by cursor.
 */
export interface EventBus {
  /**
   * Hands the event to pub/sub and resolves at once: a slow or unreachable Redis never holds the caller (the
   * write it reports is already stored; clients catch up by cursor). Failures are logged and counted.
   */
  publish<T extends BusEvent>(topic: Topic<T>, event: T): Promise<void>;
  publishStats(): PublishStats;
  /** Yields `STREAM_READY` once the underlying subscription is live, then the topic's events. */
  subscribe<T extends BusEvent>(topic: Topic<T>): Repeater<T | StreamReady>;
  /**
   * Calls `listener` with the topic's events from when it resolves (the subscription is live) until the returned
   * function is called: for streams over many topics, which buffer once for all of them (realtime/watch.ts).
   */
  listen<T extends BusEvent>(topic: Topic<T>, listener: (event: T) => void): Promise<() => void>;
  /** Live subscriptions and listeners in this process: what a leak would make grow. */
  activeSubscriptions(): number;
  close(): Promise<void>;
}

/** Every event names its kind, and says when it happened (`at`, ISO). */
export interface BusEvent {
  kind: string;
  at?: string;
}

/** What the bus reports as events pass through it (for metrics, and for the graceful stop). */
export interface BusObserver {
  published(event: BusEvent): void;
  /** an event reached a subscription of this process; its `at` gives the publish-to-deliver lag */
  delivered(event: BusEvent): void;
  redisError(connection: string): void;
}

const UNOBSERVED: BusObserver = { published() {}, delivered() {}, redisError() {} };

/**
 * A Redis connection that fails fast and logs its errors instead of crashing the process on them. Commands wait
 * for the first connection (start-up), then never queue: while Redis is unreachable each command fails at once,
 * one in flight when the connection drops fails at the first reconnect attempt, and a reply slower than
 * REDIS_COMMAND_TIMEOUT_MS fails. Reconnecting goes on in the background; a subscriber resubscribes its channels
 * by itself (ioredis `autoResubscribe`).
 */
export function connectRedis(
  redisUrl: string,
  logger: Logger,
  name: string,
  observer: Pick<BusObserver, "redisError"> = UNOBSERVED,
): Redis {
  // Auto-pipelining sends the commands of one tick (rate limits, publishes of many messages) in one write;
  // a subscribed connection only (un)subscribes, so it gains nothing.
  const subscriber = name === "subscriber";
  const client = new Redis(redisUrl, {
    connectionName: `parley-${name}`,
    enableAutoPipelining: !subscriber,
    // The ready check's INFO can race a SUBSCRIBE sent during the handshake and be refused ("Connection in
    // subscriber mode", redis/ioredis#2037); a subscriber runs no command a loading server would refuse.
    enableReadyCheck: !subscriber,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  });
  client.once("ready", () => {
    client.options.enableOfflineQueue = false;
  });
  client.on("error", (error) => {
    observer.redisError(name);
    logger.error({ err: error, connection: name }, "redis connection error");
  });
  return client;
}

export function createEventBus(
  redisUrl: string | undefined,
  logger: Logger,
  observer: BusObserver = UNOBSERVED,
): EventBus {
  if (!redisUrl) return busOver(memoryEngine(), logger, observer);
  // Separate connections: a subscribed Redis connection cannot run other commands.
  const publisher = connectRedis(redisUrl, logger, "publisher", observer);
  const subscriber = connectRedis(redisUrl, logger, "subscriber", observer);
  return busOver(redisEngine(publisher, subscriber, logger), logger, observer);
}

function busOver(engine: PubSubEngine, logger: Logger, observer: BusObserver): EventBus {
  let active = 0;
  const stats: PublishStats = { pending: 0, failed: 0, dropped: 0 };
  const logFailure = throttledLog(logger);
  const listen = async <T extends BusEvent>(topic: Topic<T>, listener: (event: T) => void) => {
    const end = await engine.subscribe(topic, (payload) => {
      const event = payload as T;
      observer.delivered(event);
      listener(event);
    });
    active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      end();
      active--;
    };
  };
  return {
    activeSubscriptions: () => active,
    publishStats: () => ({ ...stats }),
    publish(topic, event) {
      if (stats.pending >= MAX_PENDING_PUBLISHES) {
        stats.dropped++;
        logFailure(new Error(`${MAX_PENDING_PUBLISHES} publishes are waiting for Redis`), stats);
        return Promise.resolve();
      }
      observer.published(event);
      stats.pending++;
      void engine
        .publish(topic, event)
        .catch((error: unknown) => {
          stats.failed++;
          logFailure(error, stats);
        })
        .finally(() => {
          stats.pending--;
        });
      return Promise.resolve();
    },
    listen,
    subscribe<T extends BusEvent>(topic: Topic<T>) {
      return new Repeater<T | StreamReady>(async (push, stop) => {
        const end = await listen(topic, (event) => pushOrStop(push, stop, event));
        pushOrStop(push, stop, { kind: "STREAM_READY", at: new Date().toISOString() });
        await stop;
        end();
      }, new FixedBuffer(SUBSCRIBER_BUFFER));
    },
    close: () => engine.close(),
  };
}

/** Pushes to a stream's buffer; a full buffer ends the stream (the subscriber then catches up by cursor). */
export function pushOrStop<T>(push: (event: T) => Promise<unknown>, stop: (error: Error) => void, event: T): void {
  const overflow = (error: unknown) => stop(error instanceof Error ? error : new Error(String(error)));
  try {
    push(event).catch(overflow);
  } catch (error) {
    overflow(error);
  }
}

/** Logs the first failure, then at most one line per interval with the totals so far. */
function throttledLog(logger: Logger): (error: unknown, stats: PublishStats) => void {
  let last = 0;
  return (error, stats) => {
    const now = Date.now();
    if (now - last < FAILURE_LOG_INTERVAL_MS) return;
    last = now;
    logger.error({ err: error, failed: stats.failed, dropped: stats.dropped }, "publish failed; events are lost");
  };
}
