import type { IncomingMessage } from "node:http";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { FormattedExecutionResult } from "graphql";

/** What an operation gives back, as it travels (errors are formatted: message, path, extensions.code). */
export type ExecutionResult<R> = FormattedExecutionResult<R>;

/**
 * How the bridge reaches the GraphQL API. Two implementations: in-process (the api mounts the bridge and
 * runs operations through its own yoga envelop and graphql-ws server) and remote (graphql-ws and HTTP
 * against PARLEY_API_URL). Either way every operation goes through the API's auth, limits and masking.
 */
export interface Executor {
  /**
   * One API socket per legacy socket, authenticated from the legacy upgrade request's cookie: it counts as
   * a connection for presence exactly like a graphql-ws socket. Resolves `refused` when the API does not
   * accept the connection (no, bad or expired token, ended session, too many sockets).
   */
  openSocket(upgrade: UpgradeRequest): Promise<ApiSocket | { refused: RefusalReason }>;
  /** One HTTP-style operation with the legacy request's cookies and address; collects the cookies it sets. */
  request<R, V>(operation: Operation<R, V>, from: HttpOrigin): Promise<HttpResult<R>>;
}

export type RefusalReason = "unauthenticated" | "too-many-sockets" | "unavailable";

export interface Operation<R, V> {
  document: TypedDocumentNode<R, V>;
  variables: V;
}

/** What the API needs to know about the legacy client behind an operation. Build it with `httpOrigin(req)`. */
export interface HttpOrigin {
  /** the legacy request's Cookie header, passed on as is */
  cookie: string | undefined;
  /** Host, Origin, Sec-Fetch-Site and X-Forwarded-For of the legacy request: the API's origin policy and its
   * TRUST_PROXY rule for the client address see them as they would on a direct request */
  headers: Record<string, string | undefined>;
  /** the address the legacy request came from (its socket's remote address) */
  remoteAddress: string | undefined;
}

export interface UpgradeRequest extends HttpOrigin {}

/** The headers of a legacy request the API's policies read (origin policy, client address). */
const FORWARDED_HEADERS = ["host", "origin", "sec-fetch-site", "sec-fetch-mode", "referer", "x-forwarded-for"];

export function httpOrigin(request: IncomingMessage): HttpOrigin {
  const headers: Record<string, string | undefined> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { cookie: request.headers.cookie, headers, remoteAddress: request.socket.remoteAddress };
}

export interface HttpResult<R> {
  result: ExecutionResult<R>;
  /** Set-Cookie values the API produced (log in, refresh, log out), to forward to the legacy client */
  setCookies: string[];
}

/** An authenticated API connection standing for one legacy socket. */
export interface ApiSocket {
  /** the user it is authenticated as */
  readonly userId: string;
  execute<R, V>(operation: Operation<R, V>): Promise<ExecutionResult<R>>;
  /**
   * Starts a subscription; `onResult` gets every event, `onEnd` is called if the API ends it while the socket
   * stays open (an error, its completion); the socket's own end is `closed`. Returns the function that ends it.
   */
  subscribe<R, V>(
    operation: Operation<R, V>,
    onResult: (result: ExecutionResult<R>) => void,
    onEnd?: () => void,
  ): () => void;
  /** Settles when the API closed the connection (session ended, shutdown) or `close()` was called. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}
