import { Client, type CombinedError, fetchExchange, subscriptionExchange } from "@urql/core";
import { authExchange } from "@urql/exchange-auth";
import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createSocket } from "graphql-ws";
import { session, signedOut } from "../session/session.ts";
import { cacheOptions } from "./cache.ts";
import { reconnected, retryNow, setConnection, waitOrRetryNow } from "./connection.ts";
import { domainCaches } from "./domains.ts";
import { type CatchUp, createCatchUp, isStreamReady, refetchExchange } from "./reconnect.ts";

/** The API is on this page's origin: the session is its HttpOnly cookies, sent with every request and upgrade. */
const HTTP_URL = "/graphql";
const wsUrl = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
/** graphql-ws closes with 4403 when the access token expires: refresh, then reconnect. */
const TOKEN_EXPIRED = 4403;
/** graphql-ws gives up on 4401 (Unauthorized): the session is gone. */
const UNAUTHORIZED = 4401;

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

/**
 * Fields whose UNAUTHENTICATED means wrong credentials, not an expired session: never refresh and retry them
 * (a retried logIn would count twice against its rate limit). logOut is not one: it needs a fresh access token.
 */
const SESSION_FIELDS = new Set<unknown>(["logIn", "signUp", "refreshSession"]);
const isUnauthenticated = (error: CombinedError) =>
  error.graphQLErrors.some((e) => e.extensions.code === "UNAUTHENTICATED" && !SESSION_FIELDS.has(e.path?.[0]));

/** Unlimited retries, exponential up to 30 s with full jitter, so a restarted server is not hit all at once. */
const backoff = (retries: number) => Math.random() * Math.min(30_000, 500 * 2 ** retries);
/** graphql-ws pings every KEEP_ALIVE_MS; no pong within PONG_TIMEOUT_MS: the link is dead, reconnect. */
const KEEP_ALIVE_MS = 15_000;
const PONG_TIMEOUT_MS = 5_000;

/** Resolves once the session is not `signed-out`: a signed-out page does not knock on the socket in a loop. */
const whileSignedOut = () =>
  new Promise<void>((resolve) => {
    let stop: (() => void) | undefined;
    let done = false;
    stop = session.subscribe((value) => {
      if (value === "signed-out" || done) return;
      done = true;
      resolve();
      stop?.();
    });
    if (done) stop();
  });

/** After a 4403 and a successful refresh the next attempt comes soon, not after the drop's backoff (≤ 30 s)… */
const AFTER_REFRESH_MS = 500;
/** …a few times in a row at most (a server that keeps refusing fresh tokens gets the backoff again). */
const QUICK_RETRIES = 3;

function socket(catchUp: CatchUp) {
  let wasConnected = false;
  let refreshed: Promise<boolean> | undefined;
  let quickRetries = 0;
  let current: WebSocket | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  if (typeof window !== "undefined") {
    window.addEventListener("online", retryNow);
    window.addEventListener("offline", () => {
      if (wasConnected) setConnection("offline");
    });
  }
  return createSocket({
    url: wsUrl,
    lazy: false,
    keepAlive: KEEP_ALIVE_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const afterRefresh = refreshed;
      refreshed = undefined;
      if (afterRefresh && (await afterRefresh) && quickRetries < QUICK_RETRIES) {
        quickRetries += 1;
        await waitOrRetryNow(Math.random() * AFTER_REFRESH_MS);
        return;
      }
      await refreshing;
      await whileSignedOut();
      await waitOrRetryNow(backoff(retries));
    },
    on: {
      opened: (opened) => {
        current = opened instanceof WebSocket ? opened : undefined;
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          if (current?.readyState === WebSocket.OPEN) current.close(4408, "No pong: reconnecting");
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      connected: () => {
        quickRetries = 0;
        setConnection("online");
        if (wasConnected) catchUp.reconnected();
        wasConnected = true;
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        const code = (event as CloseEvent | undefined)?.code;
        if (code === TOKEN_EXPIRED) {
          // an expired token, or no session at all: refresh (signed out if that fails), then reconnect
          setConnection("connecting");
          refreshed = refreshSession();
        } else if (code === UNAUTHORIZED) {
          setConnection("connecting");
          signedOut();
        } else {
          setConnection("offline");
        }
      },
    },
  });
}

export function createParleyClient(): Client {
  const refetchers: (() => void)[] = [];
  // after a reconnect, once the streams are ready: every active query again (lists), then the listeners (cursors)
  const catchUp = createCatchUp(() => {
    for (const refetch of refetchers) refetch();
    reconnected();
  });
  // Opened by the first subscription, so signed-out pages (which subscribe to nothing) open no socket.
  let ws: ReturnType<typeof socket> | undefined;
  const openSocket = () => {
    ws ??= socket(catchUp);
    return ws;
  };
  let nextId = 0;
  return new Client({
    url: HTTP_URL,
    fetchOptions: { credentials: "same-origin" },
    preferGetMethod: false,
    exchanges: [
      refetchExchange((refetch) => refetchers.push(refetch)),
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
          subscribe: (sink) => {
            nextId += 1;
            const id = nextId;
            catchUp.opened(id);
            const unsubscribe = openSocket().subscribe<Record<string, unknown>, Record<string, unknown>>(
              { ...request, query: request.query ?? "" },
              {
                next: (result) => {
                  sink.next(result);
                  if (isStreamReady(result.data)) catchUp.ready(id);
                },
                error: (error) => {
                  catchUp.closed(id);
                  sink.error(error);
                },
                complete: () => {
                  catchUp.closed(id);
                  sink.complete();
                },
              },
            );
            return {
              unsubscribe: () => {
                catchUp.closed(id);
                unsubscribe();
              },
            };
          },
        }),
      }),
    ],
  });
}
