import type { PoolUse } from "@parley/db";
import { GraphQLError } from "graphql";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BusObserver, PublishStats } from "../realtime/event-bus.ts";
import type { LimitName, RateLimits } from "./rate-limit.ts";

/** Live figures read at scrape time from the parts that own them. */
export interface MetricSources {
  openSockets(): number;
  liveSubscriptions(): number;
  writerQueueDepth(): number;
  /** publishes handed to pub/sub and not yet sent, and those that failed or were dropped (event-bus.ts) */
  publishStats(): PublishStats;
  /** PostgreSQL pool connections; undefined on PGlite (one connection, no pool) */
  dbPool(): PoolUse | undefined;
}

export interface Metrics extends BusObserver {
  /** One registry per app instance: tests run several apps in one process. */
  registry: Registry;
  watch(sources: MetricSources): void;
  /** one writer statement: `size` messages, `stored` of them inserted, `ms` long */
  writerBatch(batch: { size: number; stored: number; ok: boolean; ms: number }): void;
  rateLimitRefused(limit: LimitName): void;
}

const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];

/** prom-client metrics of one app, with Node's defaults (event-loop lag, heap, GC, CPU) in the same registry. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: MetricSources | undefined;
  const registers = [registry];
  const sampled = (name: string, help: string, read: (s: MetricSources) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        if (sources) this.set(read(sources));
      },
    });
  sampled("parley_open_sockets", "Open graphql-ws sockets", (s) => s.openSockets());
  sampled("parley_live_subscriptions", "Live event-bus subscriptions", (s) => s.liveSubscriptions());
  sampled("parley_writer_queue_depth", "Messages waiting for a writer batch", (s) => s.writerQueueDepth());
  sampled("parley_publishes_pending", "Publishes handed to pub/sub, not yet sent", (s) => s.publishStats().pending);
  // Counters kept by the bus; gauges here, since prom-client counters cannot be set from a reading.
  sampled("parley_publishes_failed", "Publishes pub/sub refused since start", (s) => s.publishStats().failed);
  sampled(
    "parley_publishes_dropped",
    "Publishes dropped since start: too many pending",
    (s) => s.publishStats().dropped,
  );
  new Gauge({
    name: "parley_db_pool_connections",
    help: "PostgreSQL pool connections by state (total, idle, waiting requests)",
    labelNames: ["state"],
    registers,
    collect() {
      const pool = sources?.dbPool();
      if (!pool) return;
      for (const [state, value] of Object.entries(pool)) this.set({ state }, value);
    },
  });
  const stored = new Counter({ name: "parley_messages_stored_total", help: "Chat messages stored", registers });
  const batchSize = new Histogram({
    name: "parley_writer_batch_size",
    help: "Messages per writer batch (one INSERT statement)",
    buckets: BATCH_BUCKETS,
    registers,
  });
  const statement = new Histogram({
    name: "parley_writer_statement_seconds",
    help: "Duration of writer statements, by outcome",
    labelNames: ["outcome"],
    buckets: LAG_BUCKETS,
    registers,
  });
  const published = new Counter({
    name: "parley_events_published_total",
    help: "Events published, by kind",
    labelNames: ["kind"],
    registers,
  });
  const delivered = new Counter({
    name: "parley_events_delivered_total",
    help: "Events that reached a subscription in this process, by kind",
    labelNames: ["kind"],
    registers,
  });
  const lag = new Histogram({
    name: "parley_event_delivery_lag_seconds",
    help: "From an event's `at` to its arrival at a subscription",
    buckets: LAG_BUCKETS,
    registers,
  });
  const refused = new Counter({
    name: "parley_rate_limit_refusals_total",
    help: "Requests refused with RATE_LIMITED, by limit",
    labelNames: ["limit"],
    registers,
  });
  const redisErrors = new Counter({
    name: "parley_redis_errors_total",
    help: "Redis connection errors, by connection",
    labelNames: ["connection"],
    registers,
  });

  return {
    registry,
    watch: (watched) => {
      sources = watched;
    },
    writerBatch(batch) {
      batchSize.observe(batch.size);
      statement.observe({ outcome: batch.ok ? "ok" : "error" }, batch.ms / 1000);
      stored.inc(batch.stored);
    },
    rateLimitRefused: (limit) => refused.inc({ limit }),
    published: (event) => published.inc({ kind: event.kind }),
    delivered(event) {
      delivered.inc({ kind: event.kind });
      const at = event.at ? Date.parse(event.at) : Number.NaN;
      // Clocks of two instances may disagree by a little: a negative lag counts as none.
      if (Number.isFinite(at)) lag.observe(Math.max(0, Date.now() - at) / 1000);
    },
    redisError: (connection) => redisErrors.inc({ connection }),
  };
}

/** Rate limits that count their refusals (a RATE_LIMITED error), otherwise unchanged. */
export function countingRefusals(limits: RateLimits, metrics: Pick<Metrics, "rateLimitRefused">): RateLimits {
  return {
    ...limits,
    consume: (name, userId) =>
      limits.consume(name, userId).catch((error: unknown) => {
        if (isRateLimited(error)) metrics.rateLimitRefused(name);
        throw error;
      }),
  };
}

const isRateLimited = (error: unknown) => error instanceof GraphQLError && error.extensions.code === "RATE_LIMITED";
