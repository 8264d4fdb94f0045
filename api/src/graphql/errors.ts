import { GraphQLError } from "graphql";
import { maskError as yogaMaskError } from "graphql-yoga";
import { asUnavailable } from "../infra/unavailable.ts";

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

/** An expected failure: shown to the client with its code; anything else is masked and logged. */
export class ParleyError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

/** `reason: "expired"` when the token presented has expired (the legacy bridge words that case apart). */
export const unauthenticated = (message = "You must be logged in.", reason?: "expired") =>
  new ParleyError("UNAUTHENTICATED", message, reason ? { reason } : {});
export const forbidden = (message: string) => new ParleyError("FORBIDDEN", message);
export const notFound = (message: string) => new ParleyError("NOT_FOUND", message);
export const conflict = (message: string, field?: string) =>
  new ParleyError("CONFLICT", message, field ? { field } : {});
export const badInput = (message: string, field?: string) =>
  new ParleyError("BAD_USER_INPUT", message, field ? { field } : {});
/** Over a rate limit: `retryAfter` is whole seconds until the next attempt can succeed. */
export const rateLimited = (message: string, retryAfter: number) =>
  new ParleyError("RATE_LIMITED", message, { retryAfter });

/** Yoga's error masking, except that an outage (infra/unavailable.ts) is told as UNAVAILABLE, not masked. */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const cause = error instanceof GraphQLError ? error.originalError : error;
  const outage = asUnavailable(cause);
  if (!outage) return yogaMaskError(error, message, isDev);
  const located = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(outage.message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: { code: "UNAVAILABLE" },
  });
}
/** The server cannot take this now (shutting down, a dependency down): retrying, elsewhere or later, may work. */
export const unavailable = (message: string) => new ParleyError("UNAVAILABLE", message);
