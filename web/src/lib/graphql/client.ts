import { Client, type CombinedError, fetchExchange, subscriptionExchange } from "@urql/core";
import { authExchange } from "@urql/exchange-auth";
import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createSocket } from "graphql-ws";
import { signedOut } from "../session/session.ts";
import { cacheOptions } from "./cache.ts";
import { reconnected, setConnection } from "./connection.ts";
import { domainCaches } from "./domains.ts";

/** The API is on this page's origin: the session is its HttpOnly cookies, sent with every request and upgrade. */
const HTTP_URL = "/graphql";
const wsUrl = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
/** graphql-ws closes with 4403 when the access token expires: refresh, then reconnect. */
const TOKEN_EXPIRED = 4403;

let refreshing: Promise<boolean> | undefined;
/** One refresh at a time (the refresh token is single use); resolves false when it failed
 * (the session is gone: `signedOut()`; or the server cannot be reached now: retried later). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch(HTTP_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query: "mutation RefreshSession { refreshSession { accessTokenExpiresAt } }" }),
  })
    .then(async (response) => {
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
      if (body.data) return true;
      // only a refused refresh token ends the session; an outage or a rate limit may pass, so stay signed in
      if (body.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED")) signedOut();
      return false;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

/** Fields whose UNAUTHENTICATED means wrong credentials, not an expired session: never refresh and retry them. */
const SESSION_FIELDS = new Set<unknown>(["logIn", "signUp", "refreshSession", "logOut"]);
const isUnauthenticated = (error: CombinedError) =>
  error.graphQLErrors.some((e) => e.extensions.code === "UNAUTHENTICATED" && !SESSION_FIELDS.has(e.path?.[0]));

/** Unlimited retries, exponential up to 30 s with full jitter, so a restarted server is not hit all at once. */
const backoff = (retries: number) => Math.random() * Math.min(30_000, 500 * 2 ** retries);

function socket() {
  let wasConnected = false;
  return createSocket({
    url: wsUrl,
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await refreshing;
      await new Promise((resolve) => setTimeout(resolve, backoff(retries)));
    },
    on: {
      connected: () => {
        setConnection("online");
        if (wasConnected) reconnected();
        wasConnected = true;
      },
      closed: (event) => {
        if (wasConnected) setConnection("offline");
        if ((event as CloseEvent).code === TOKEN_EXPIRED) void refreshSession();
      },
    },
  });
}

export function createParleyClient(): Client {
  // Opened by the first subscription, so signed-out pages (which subscribe to nothing) open no socket.
  let ws: ReturnType<typeof socket> | undefined;
  const openSocket = () => {
    ws ??= socket();
    return ws;
  };
  return new Client({
    url: HTTP_URL,
    fetchOptions: { credentials: "same-origin" },
    preferGetMethod: false,
    exchanges: [
      cacheExchange(cacheOptions(domainCaches)),
      authExchange(async () => ({
        addAuthToOperation: (operation) => operation,
        didAuthError: isUnauthenticated,
        refreshAuth: async () => {
          await refreshSession();
        },
      })),
      fetchExchange,
      subscriptionExchange({
        enableAllOperations: false,
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: openSocket().subscribe({ ...request, query: request.query ?? "" }, sink),
          }),
        }),
      }),
    ],
  });
}
