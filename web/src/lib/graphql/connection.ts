import { writable } from "svelte/store";

/** The live connection as the banner shows it: `offline` once a connected socket dropped, until it is back. */
export type ConnectionState = "connecting" | "online" | "offline";

const state = writable<ConnectionState>("connecting");
export const connection = { subscribe: state.subscribe };
export const setConnection = (value: ConnectionState) => state.set(value);

const reconnectListeners = new Set<() => void>();
/** Runs `listener` after every reconnect (not the first connect): catch up by cursor, refetch lists. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
export const reconnected = () => {
  for (const listener of reconnectListeners) listener();
};
