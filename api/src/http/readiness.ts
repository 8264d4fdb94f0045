import type { Sql } from "@parley/db";
import type { Redis } from "ioredis";
import type { Logger } from "../infra/logger.ts";

/** One readiness check: resolves when fine, throws otherwise (a NotReady carries a reason fit to show). */
export type Check = () => Promise<void>;

class NotReady extends Error {}

const CHECK_TIMEOUT_MS = 2000;

/** The database answers, with every migration applied (`migrations`: the names this build ships). */
export function databaseChecks(sql: Sql, migrations: string[]): Record<string, Check> {
  return {
    database: async () => void (await sql.query("SELECT 1")),
    migrations: async () => {
      const rows = await sql.query<{ name: string }>("SELECT name FROM parley_migrations");
      const applied = new Set(rows.map((row) => row.name));
      const pending = migrations.filter((name) => !applied.has(name));
      if (pending.length > 0) throw new NotReady(`${pending.length} pending: ${pending.join(", ")}`);
    },
  };
}

/** Shared mode: the command connection is up and answers a PING. */
export function redisCheck(redis: Redis): Check {
  return async () => {
    // A disconnected client would queue the PING until it reconnects: say so instead of waiting.
    if (redis.status !== "ready") throw new NotReady(`connection ${redis.status}`);
    await redis.ping();
  };
}

/** Runs every check at once, each bounded: "ok" or why not, by name (details, such as hosts, go to the log). */
export async function runChecks(checks: Record<string, Check>, logger: Logger): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await outcome(name, check, logger)] as const),
  );
  return Object.fromEntries(entries);
}

async function outcome(name: string, check: Check, logger: Logger): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotReady("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (error) {
    logger.warn({ err: error, check: name }, "readiness check failed");
    return error instanceof NotReady ? error.message : "failed";
  } finally {
    clearTimeout(timer);
  }
}
