import type { Exchange, Operation, OperationResult } from "@urql/core";
import { presenceUser } from "./presence.cache.ts";

/**
 * Presence events are newer than any answer to a request sent before them. A query read on the server before a
 * user went offline can land after the OFFLINE event (a list refetched when a stream became ready, while the user
 * closes their tab): written as it is, it would put the user back online, and no event would ever correct it.
 * So answers to queries and mutations sent before a user's latest presence event take that event's presence.
 */
export interface PresenceFreshness {
  /** A query or mutation goes to the network. */
  sent(key: number): void;
  /** Its answer is back (or it was torn down). */
  done(key: number): void;
  /** A PresenceChangedEvent arrived. */
  event(user: { id: string; isOnline: boolean; lastActivity: string }): void;
  /** Gives the users in an answer to `key` the presence of events newer than the request; in place. */
  patch(key: number, data: unknown): void;
}

export function presenceFreshness(): PresenceFreshness {
  let events = 0;
  /** pending requests by operation key: the event count when the oldest of them was sent, and how many */
  const pending = new Map<number, { at: number; count: number }>();
  /** the latest event of each user, numbered */
  const latest = new Map<string, { isOnline: boolean; lastActivity: string; at: number }>();

  function visit(value: unknown, since: number, depth: number): void {
    if (depth > 32 || !value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, since, depth + 1);
      return;
    }
    if ("__typename" in value && value.__typename === "User" && "id" in value && typeof value.id === "string") {
      const mark = latest.get(value.id);
      if (mark && mark.at > since) {
        if ("isOnline" in value) Reflect.set(value, "isOnline", mark.isOnline);
        if ("lastActivity" in value) Reflect.set(value, "lastActivity", mark.lastActivity);
      }
    }
    for (const child of Object.values(value)) visit(child, since, depth + 1);
  }

  return {
    sent(key) {
      const one = pending.get(key);
      if (one) one.count += 1;
      else pending.set(key, { at: events, count: 1 });
    },
    done(key) {
      const one = pending.get(key);
      if (!one) return;
      one.count -= 1;
      if (one.count <= 0) pending.delete(key);
    },
    event(user) {
      events += 1;
      latest.set(user.id, { isOnline: user.isOnline, lastActivity: user.lastActivity, at: events });
    },
    patch(key, data) {
      const one = pending.get(key);
      if (one && one.at < events) visit(data, one.at, 0);
    },
  };
}

const isRequest = (operation: Operation) => operation.kind === "query" || operation.kind === "mutation";

/** Between the cache and the network: applies `presenceFreshness` to what the network answers. */
export function presenceFreshnessExchange(freshness: PresenceFreshness = presenceFreshness()): Exchange {
  return ({ forward }) =>
    (operations$) => {
      const results$ = forward((sink) =>
        operations$((signal) => {
          // wonka's signals: End is 0, Start is { tag: 0 }, Push is { tag: 1, 0: value }
          if (typeof signal !== "number" && signal.tag === 1) {
            const operation = signal[0];
            if (isRequest(operation)) freshness.sent(operation.key);
            else if (operation.kind === "teardown") freshness.done(operation.key);
          }
          sink(signal);
        }),
      );
      return (sink) =>
        results$((signal) => {
          if (typeof signal !== "number" && signal.tag === 1) {
            const result: OperationResult = signal[0];
            if (result.operation.kind === "subscription") {
              const data = result.data;
              const user =
                data && typeof data === "object" && "presenceEvents" in data
                  ? presenceUser(data.presenceEvents)
                  : undefined;
              if (user) freshness.event(user);
            } else if (isRequest(result.operation)) {
              freshness.patch(result.operation.key, result.data);
              freshness.done(result.operation.key);
            }
          }
          sink(signal);
        });
    };
}
