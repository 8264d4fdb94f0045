/** Bounds of the HTTP and graphql-ws transports (README: configuration). */
export interface TransportLimits {
  /** bytes of an HTTP request body or a graphql-ws message */
  maxRequestBytes: number;
  /** operations in flight on one socket; one more is refused with RATE_LIMITED, the socket stays */
  maxSubscriptionsPerSocket: number;
  /** open sockets of one user on one instance; one more is closed with 1008 */
  maxSocketsPerUser: number;
  /** bytes a socket may have queued unsent before it is closed with 1013 (the client catches up by cursor) */
  maxBufferedBytes: number;
}

/**
 * The largest legitimate request is a document at GRAPHQL_MAX_TOKENS (1,000 tokens of at most 25 characters,
 * the schema's longest name: about 26 KB) with a 255-character message in its variables (at most 3 KB
 * JSON-escaped); GraphiQL's introspection query is 2 KB and the web app's documents are under 1 KB.
 * A socket queues at most one unsent message per operation (graphql-ws waits for each write to reach the
 * kernel), so 1 MiB queued means kernel buffers full and large results or many subscriptions waiting; a socket
 * that stops reading altogether is also ended by graphql-ws keep-alive (no pong within 12 s of a ping).
 */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  maxRequestBytes: 64 * 1024,
  maxSubscriptionsPerSocket: 100,
  maxSocketsPerUser: 20,
  maxBufferedBytes: 1024 * 1024,
};
