import { mkdir } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrate } from "./migrate.ts";
import { pgliteAdapter } from "./pglite-adapter.ts";
import { SerialClient } from "./serial-client.ts";
import { pgliteSql, poolSql, type Sql } from "./sql.ts";

export interface DbConfig {
  /** PostgreSQL URL; when absent Parley embeds PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; "memory://" keeps everything in memory (tests). */
  dataDir: string;
  poolSize?: number;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** An idle pooled connection failed (database restarted, connection killed): report it, don't crash. */
  onConnectionError?: (error: Error) => void;
  /** Prisma's `query` log events (`prisma.$on("query", …)`), off by default: each costs a params JSON.stringify. */
  queryEvents?: boolean;
}

export interface Db {
  /** Emits a `query` event per statement (`prisma.$on("query", …)`) when opened with `queryEvents`. */
  prisma: PrismaClient<"query">;
  sql: Sql;
  kind: "postgres" | "pglite";
  /** PostgreSQL pool connections now (metrics); undefined on PGlite, which has one connection */
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}

export interface PoolUse {
  total: number;
  idle: number;
  /** queries waiting for a free connection */
  waiting: number;
}

const QUERY_EVENTS = [{ emit: "event" as const, level: "query" as const }];
const logOf = (queryEvents = false) => (queryEvents ? QUERY_EVENTS : []);

export async function createDb(config: DbConfig): Promise<Db> {
  const db = config.databaseUrl
    ? connectPostgres(config.databaseUrl, config.poolSize, config.onConnectionError, config.queryEvents)
    : await openPglite(config.dataDir, config.queryEvents);
  if (config.migrate ?? true) {
    await migrate(db.sql).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
  }
  if (db.kind === "pglite") collectStartupGarbage();
  return db;
}

function connectPostgres(
  connectionString: string,
  max = 20,
  onError: (error: Error) => void = () => {},
  queryEvents?: boolean,
): Db {
  // A database that stops answering must fail new connections, not hold requests: the writer and error mapping
  // then answer UNAVAILABLE. Keep-alive finds dead connections the kernel would otherwise keep for hours.
  const pool = new pg.Pool({
    connectionString,
    max,
    Client: SerialClient,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // Without a listener, an error on an idle client is an uncaught exception; the pool replaces the client.
  pool.on("error", onError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: logOf(queryEvents) });
  return {
    prisma,
    sql: poolSql(pool),
    kind: "postgres",
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * In memory the data files already live in JS memory, so PostgreSQL's own 128 MB buffer cache (which grows
 * PGlite's WebAssembly heap from 128 to 189 MB) would hold second copies: 16 MB is plenty.
 */
const IN_MEMORY_SETTINGS = ["-c", "shared_buffers=16MB"];

async function openPglite(dataDir: string, queryEvents?: boolean): Promise<Db> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    ...(inMemory ? { startParams: [...PGlite.defaultStartParams, ...IN_MEMORY_SETTINGS] } : {}),
  });
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite), log: logOf(queryEvents) });
  return {
    prisma,
    sql: pgliteSql(pglite),
    kind: "pglite",
    poolUse: () => undefined,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * Opening and migrating PGlite leaves hundreds of MB of garbage outside the JS heap (initdb's copy of the
 * WebAssembly heap, the data directory's tarball), which V8 does not collect by itself while the JS heap is small:
 * an idle embedded server kept 860 MB resident. One full collection once the database is ready frees it.
 */
function collectStartupGarbage() {
  setFlagsFromString("--expose-gc");
  const gc: () => void = runInNewContext("gc");
  gc();
}
