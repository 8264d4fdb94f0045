import { writable } from "svelte/store";

/**
 * The live connection as the banner shows it: `connecting` until the first connect (or while signed out),
 * `offline` once the socket dropped or could not connect, until it is back.
 */
export type ConnectionState = "connecting" | "online" | "offline";

const state = writable<ConnectionState>("connecting");
export const connection = { subscribe: state.subscribe };
export const setConnection = (value: ConnectionState) => state.set(value);

const reconnectListeners = new Set<() => void>();
/**
 * Runs `listener` after every reconnect (not the first connect), once the resubscribed streams have sent their
 * StreamReadyEvent: catch up by cursor (`messages(after:)`). Active queries are refetched by the client itself.
 */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
export const reconnected = () => {
  for (const listener of [...reconnectListeners]) {
    try {
      listener();
    } catch (error) {
      console.error("onReconnect listener failed", error);
    }
  }
};

const wakers = new Set<() => void>();
/** Ends the wait before the next reconnect attempt now (the banner's "Retry now", the browser back online). */
export function retryNow(): void {
  for (const wake of [...wakers]) wake();
}
/** Resolves after `ms`, or sooner on `retryNow()`. */
export function waitOrRetryNow(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
  });
}
