import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

export interface JobOptions {
  /**
   * Run on every instance, without the cluster lock: work about this instance itself (a heartbeat, flushing
   * its own buffers). Default false: once per cluster per interval.
   */
  perInstance?: boolean;
}

/** Periodic jobs. Every instance schedules the same jobs; in shared mode a Redis lock elects who runs each tick. */
export interface Scheduler {
  /**
   * Runs `job` every `intervalMs`. A run still going when the next tick comes makes that tick skip. In shared
   * mode a tick first takes `{prefix}lock:{name}` (SET NX PX intervalMs, never released): the first instance to
   * take it runs the job, and the others skip it until it expires, so the job runs about once per interval in
   * the whole cluster. Failures are logged; the next tick tries again.
   */
  every(intervalMs: number, name: string, job: () => Promise<unknown>, options?: JobOptions): void;
  /** Clears every timer and waits for runs in progress. */
  stop(): Promise<void>;
}

export function createScheduler(options: { redis: Redis | undefined; logger: Logger; keyPrefix?: string }): Scheduler {
  const { redis, logger, keyPrefix = "parley:" } = options;
  const owner = randomUUID();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  async function takeLock(name: string, intervalMs: number): Promise<boolean> {
    if (!redis) return true;
    const ttl = Math.max(1, Math.round(intervalMs));
    return (await redis.set(`${keyPrefix}lock:${name}`, owner, "PX", ttl, "NX")) === "OK";
  }

  return {
    every(intervalMs, name, job, { perInstance = false } = {}) {
      if (stopped) return;
      let busy = false;
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          if (!perInstance && !(await takeLock(name, intervalMs))) return;
          if (!stopped) await job();
        } catch (error) {
          logger.error({ err: error, job: name }, "scheduled job failed");
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(() => {
        const run = tick();
        running.add(run);
        void run.finally(() => running.delete(run));
      }, intervalMs);
      timer.unref();
      timers.add(timer);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
