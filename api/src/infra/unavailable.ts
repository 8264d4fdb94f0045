import { isConnectionError } from "./db-errors.ts";

/**
 * A service this request needs (the database, Redis) cannot serve it now; retrying later may succeed. Domain code
 * throws it; the GraphQL layer maps it to `UNAVAILABLE`.
 */
export class UnavailableError extends Error {
  override readonly name = "UnavailableError";
}

/** What ioredis rejects a command with when Redis is unreachable (the clients fail fast: event-bus.ts). */
const REDIS_OUTAGE = [
  "Stream isn't writeable and enableOfflineQueue options is false",
  "Command timed out",
  "Connection is closed.",
];

/** What a lost database connection is told as. */
export const DATABASE_UNAVAILABLE = "The service is temporarily unavailable; try again shortly.";

/** An UnavailableError as is; a Redis or database outage becomes one; anything else is not an outage (undefined). */
export function asUnavailable(error: unknown): UnavailableError | undefined {
  if (error instanceof UnavailableError) return error;
  if (isConnectionError(error)) return new UnavailableError(DATABASE_UNAVAILABLE, { cause: error });
  if (!(error instanceof Error)) return undefined;
  if (error.name === "MaxRetriesPerRequestError" || REDIS_OUTAGE.includes(error.message)) {
    return new UnavailableError("Live services are unavailable right now; try again shortly.", { cause: error });
  }
  return undefined;
}
