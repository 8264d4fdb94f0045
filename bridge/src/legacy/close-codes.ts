/** Close codes of `/ws/events/` (protocol §1.5) and the standard ones the bridge also uses. */
export const LegacyClose = {
  /** invalid JSON, rate limit, failed validation, unknown or client-forged action; also the legacy crash paths (§2.4) */
  BadData: 3100,
  /** the session ended (log-out elsewhere, a stolen refresh token): the client does not reconnect (code ≥ 3000) */
  IllegalConnection: 3002,
  /** any `/ws/...` path other than `/ws/events/` (§1.4) */
  UnknownRoute: 4000,
  /** the server is stopping: the legacy frontend reconnects after 1 s */
  GoingAway: 1001,
  /** a client that does not read its frames, or a live feed the API ended: reconnect and refetch */
  TryAgainLater: 1013,
  /** the API connection failed unexpectedly */
  InternalError: 1011,
} as const;
