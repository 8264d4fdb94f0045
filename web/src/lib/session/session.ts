import { writable } from "svelte/store";
import type { SessionUserFragment } from "../graphql/generated/graphql.ts";

/** `unknown` until the first `me` answers; `signed-out` once a refresh fails or the user logs out. */
export type SessionState = "unknown" | "signed-in" | "signed-out";

const state = writable<SessionState>("unknown");
export const session = { subscribe: state.subscribe };
export const signedIn = () => state.set("signed-in");
export const signedOut = () => state.set("signed-out");

/** The signed-in user as the shell shows them (kept current by the layout's `me` query), or null. */
const user = writable<SessionUserFragment | null>(null);
export const currentUser = { subscribe: user.subscribe };
export const setCurrentUser = (value: SessionUserFragment | null) => user.set(value);
