import { setTimeout as sleep } from "node:timers/promises";

/** How long deliveries must have been quiet before the sockets close: events still in flight get out. */
const QUIET_MS = 50;
const POLL_MS = 10;

/** SHUTDOWN_TIMEOUT's default: seconds a graceful stop waits for running work. */
export const DEFAULT_SHUTDOWN_TIMEOUT_S = 10;

/** What new work is told once the stop has begun, on every transport. */
export const SHUTTING_DOWN = "The server is shutting down: retry, another instance will answer.";

/**
 * Graceful stop bookkeeping: once `stopping`, new work is refused (HTTP 503, GraphQL UNAVAILABLE) while the
 * operations already running are counted down, and deliveries to sockets are watched until they go quiet.
 */
export class Drain {
  stopping = false;
  private inFlight = 0;
  private lastDelivery = 0;

  /** Counts one operation or request as running; call the result once when it ends. */
  begin(): () => void {
    this.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
    };
  }

  /** An event went to a subscription or socket. */
  delivered(): void {
    this.lastDelivery = performance.now();
  }

  /** Resolves when nothing runs any more, or at `deadline` (performance.now() time); true if it drained. */
  idle(deadline: number): Promise<boolean> {
    return until(() => this.inFlight === 0, deadline);
  }

  /** Resolves once no delivery happened for a short while, or at `deadline`. */
  quiet(deadline: number): Promise<boolean> {
    return until(() => performance.now() - this.lastDelivery >= QUIET_MS, deadline);
  }
}

/** Polls `done` until it holds (true) or `deadline` passes (false). */
export async function until(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}
