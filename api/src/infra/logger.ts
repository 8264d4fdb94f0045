import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { type DestinationStream, pino } from "pino";

export type Logger = pino.Logger;

/** The ids of one HTTP request (`requestId`) or one graphql-ws operation (`socketId`, `operationId`). */
export type OperationIds = { requestId: string } | { socketId: string; operationId: string };

/** The logger of the operation running now, so lines logged through the root logger (services, yoga) carry its ids. */
const scope = new AsyncLocalStorage<Logger>();

/** JSON lines on stdout (or `destination`); inside an operation every line carries that operation's ids. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const root: Logger = pino(
    {
      level,
      base: { service: "parley-api" },
      // A child logger of the operation has its ids bound already; lines of the root logger get them here.
      mixin: (_object, _level, logger) => (logger === root ? (scope.getStore()?.bindings() ?? {}) : {}),
    },
    destination,
  );
  return root;
}

/** The logger of one operation: the root logger with the operation's ids bound. */
export const operationLogger = (root: Logger, ids: OperationIds): Logger => root.child(ids);

/** Runs `work` with `logger` as the current operation's logger (across its awaits). */
export function withLogger<T>(logger: Logger, work: () => T): T {
  return scope.run(logger, work);
}

/** The logger of the operation running now, or `root` outside one. */
export function currentLogger(root: Logger): Logger {
  return scope.getStore() ?? root;
}

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** A caller's `x-request-id` when it is short and printable (a proxy's or a client's), else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}
