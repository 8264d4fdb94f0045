/**
 * A unique-constraint violation. Over node-postgres Prisma reports it as P2002; the PGlite adapter hands Prisma
 * its errors in an older shape that Prisma 6.19 does not map, so there it arrives as a DriverAdapterError whose
 * cause carries the SQLSTATE (23505); raw statements (Sql) reject with the driver's error, code 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return code === "P2002" || code === "23505" || cause?.code === "23505";
}

/** Prisma's codes for an unreachable, closed or saturated database (not a fault of the query). */
const PRISMA_CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Driver adapter error kinds with the same meaning. */
const ADAPTER_CONNECTION_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);
/** SQLSTATE class 08 (connection exception), 57P01–57P03 (shutting down, cannot connect now), 53300 (too many). */
const SQLSTATE_CONNECTION = /^(08...|57P0[123]|53300)$/;
/** node-postgres errors that carry no code. */
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * The database could not be reached or dropped the connection: the request may succeed on retry. Looks through
 * Prisma's wrapping (meta.driverAdapterError), driver adapter causes and GraphQL's originalError.
 */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const { code, kind, message, cause, meta, originalError } = error as Record<string, unknown>;
  if (typeof code === "string") {
    if (PRISMA_CONNECTION_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE_CONNECTION.test(code)) return true;
  }
  if (typeof kind === "string" && ADAPTER_CONNECTION_KINDS.has(kind)) return true;
  if (typeof message === "string" && PG_CONNECTION_MESSAGES.test(message)) return true;
  const adapterError = (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  return [cause, adapterError, originalError].some((inner) => isConnectionError(inner, depth + 1));
}
