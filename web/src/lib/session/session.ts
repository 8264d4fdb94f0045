import { writable } from "svelte/store";

/** `unknown` until the first `me` answers; `signed-out` once a refresh fails or the user logs out. */
export type SessionState = "unknown" | "signed-in" | "signed-out";

const state = writable<SessionState>("unknown");
export const session = { subscribe: state.subscribe };
export const signedIn = () => state.set("signed-in");
export const signedOut = () => state.set("signed-out");
