/**
 * A session ended (log-out, or theft detected on refresh). Every instance acts on it: its cached check of
 * that session is dropped and the session's open sockets close with 4403. Server-internal, never sent to clients.
 */
export interface SessionEndedEvent {
  kind: "SESSION_ENDED";
  at: string;
  sessionId: string;
}
