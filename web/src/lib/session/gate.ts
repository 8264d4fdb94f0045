import type { Client, CombinedError } from "@urql/core";
import { writable } from "svelte/store";
import { MeDocument, type SessionUserFragment } from "../graphql/generated/graphql.ts";
import { setCurrentUser, signedIn, signedOut } from "./session.ts";

const problem = writable<string | null>(null);
/** Why the session could not be checked (the server is unreachable or failing), or null: the shell offers a retry. */
export const sessionProblem = { subscribe: problem.subscribe };

const isUnauthenticated = (error: CombinedError) =>
  error.graphQLErrors.some((e) => e.extensions.code === "UNAUTHENTICATED");

/**
 * Watches `me`: an answer means signed in (and keeps `currentUser`, with its unread counts, current from the
 * cache); UNAUTHENTICATED, which the client only returns once a refresh failed, means signed out. Any other
 * failure leaves the state as it was and sets `sessionProblem`. Returns how to stop watching.
 */
export function watchSession(client: Client): () => void {
  const { unsubscribe } = client.query(MeDocument, {}, { requestPolicy: "cache-and-network" }).subscribe((result) => {
    if (result.data?.me) {
      problem.set(null);
      setCurrentUser(result.data.me);
      signedIn();
    } else if (result.error && isUnauthenticated(result.error)) {
      problem.set(null);
      setCurrentUser(null);
      signedOut();
    } else if (result.error && !result.stale) {
      problem.set(result.error.networkError ? "Parley cannot be reached." : result.error.message);
    }
  });
  return unsubscribe;
}

/** Asks the server again (after a sign-in, or the user's "Retry"); every `watchSession` hears the answer. */
export async function recheckSession(client: Client): Promise<void> {
  await client.query(MeDocument, {}, { requestPolicy: "network-only" }).toPromise();
}

/** A sign-up or log-in succeeded: signed in now, and `me` is fetched for the watchers. */
export function sessionStarted(client: Client, user: SessionUserFragment): void {
  setCurrentUser(user);
  signedIn();
  void recheckSession(client);
}
