// After a reconnect nothing is lost or shown twice: once every resubscribed stream has said StreamReadyEvent
// (so no event can fall between the stream and a refetch), every active query is fetched again network-only
// (lists refetch; graphcache merges by id) and the onReconnect listeners run (conversations catch up by cursor).
import { type Exchange, makeOperation, type Operation } from "@urql/core";

/** How long a reconnect waits for the streams' StreamReadyEvent before catching up anyway. */
export const READY_TIMEOUT_MS = 5_000;

export interface CatchUp {
  /** A subscription started (or restarted) on the socket. */
  opened(id: number): void;
  /** A subscription ended. */
  closed(id: number): void;
  /** A subscription yielded its StreamReadyEvent. */
  ready(id: number): void;
  /** The socket connected again after a drop: wait for the open streams' StreamReadyEvent, then catch up. */
  reconnected(): void;
}

/** Calls `caughtUp` once per reconnect, when every stream open at the reconnect is ready (or after a timeout). */
export function createCatchUp(caughtUp: () => void, timeoutMs = READY_TIMEOUT_MS): CatchUp {
  const open = new Set<number>();
  let waiting: Set<number> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    if (!waiting) return;
    waiting = undefined;
    clearTimeout(timer);
    caughtUp();
  };
  const settle = (id: number) => {
    if (waiting?.delete(id) && waiting.size === 0) finish();
  };
  return {
    opened: (id) => open.add(id),
    closed(id) {
      open.delete(id);
      settle(id);
    },
    ready: settle,
    reconnected() {
      clearTimeout(timer);
      waiting = new Set(open);
      if (waiting.size === 0) finish();
      else timer = setTimeout(finish, timeoutMs);
    },
  };
}

/** Whether a subscription result is a stream's StreamReadyEvent (graphcache adds `__typename` everywhere). */
export function isStreamReady(data: unknown): boolean {
  if (!data || typeof data !== "object") return false;
  return Object.values(data).some(
    (value) => typeof value === "object" && value !== null && Reflect.get(value, "__typename") === "StreamReadyEvent",
  );
}

/**
 * An exchange (put it first) that knows the active queries — from their first operation to their teardown —
 * and, each time `listen`'s callback runs, executes them again network-only.
 */
export function refetchExchange(listen: (refetch: () => void) => void): Exchange {
  return ({ client, forward }) => {
    const active = new Map<number, Operation>();
    listen(() => {
      for (const operation of [...active.values()]) {
        client.reexecuteOperation(
          makeOperation(operation.kind, operation, { ...operation.context, requestPolicy: "network-only" }),
        );
      }
    });
    return (operations$) =>
      forward((sink) =>
        operations$((signal) => {
          // wonka's signals: End is 0, Start is { tag: 0 }, Push is { tag: 1, 0: value }
          if (typeof signal !== "number" && signal.tag === 1) {
            const operation = signal[0];
            if (operation.kind === "query") active.set(operation.key, operation);
            else if (operation.kind === "teardown") active.delete(operation.key);
          }
          sink(signal);
        }),
      );
  };
}
