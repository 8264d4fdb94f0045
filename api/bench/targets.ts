// The servers a run measures, each a child process of the bench on 127.0.0.1: the ws relay (the floor) and Parley
// in shared mode (a fresh PostgreSQL database and Redis key prefix per run) or embedded (PGlite, memory://).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { sleep } from "./stats.ts";

export type Mode = "shared" | "embedded";

export interface Target {
  /** "ws relay", "parley shared", "parley embedded", "bridge shared", "bridge embedded" */
  name: string;
  /** bridge: a Parley server measured through its legacy /ws/events/ socket */
  kind: "relay" | "parley" | "bridge";
  wsUrl: string;
  httpUrl: string;
  pid: number;
  /** shared mode: the PostgreSQL backends of this run's database (their CPU counts too) */
  databasePids(): Promise<number[]>;
  /** shared mode: rows in `messages`; null when the database is inside the server (embedded) */
  countMessages(): Promise<number | null>;
  /** shared mode: users inserted straight into the database (ids, in order), far faster than signUp's hashing */
  /** Users straight into the database, each with a live session its tokens are signed for. */
  insertUsers?(usernames: string[]): Promise<{ userId: string; sessionId: string }[]>;
  stop(): Promise<void>;
}

export const JWT_SECRET = "bench-secret-bench-secret-bench-secret-0123";
/** The api package whose server is measured: this one, or another checkout's (--api, e.g. to compare with main). */
const benchApiDir = fileURLToPath(new URL("..", import.meta.url));
const baseDatabaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** Servers still running: killed if the bench itself exits early (its hard time limit, an error). */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

export async function startRelay(): Promise<Target> {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, ["--import", "tsx", "bench/relay.ts"], {
      cwd: benchApiDir,
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  await waitForPort(child, port);
  return {
    name: "ws relay",
    kind: "relay",
    wsUrl: `ws://127.0.0.1:${port}/`,
    httpUrl: `http://127.0.0.1:${port}/`,
    pid: child.pid!,
    databasePids: async () => [],
    countMessages: async () => null,
    stop: () => stopChild(child),
  };
}

export interface ParleyOptions {
  mode: Mode;
  /** the api package to start (default: this checkout's) */
  apiDir?: string | undefined;
  /** node flags for the server, e.g. ["--cpu-prof", "--cpu-prof-dir=…"] (not allowed in NODE_OPTIONS) */
  nodeArgs?: string[];
  /** measure the legacy path: clients on /ws/events/ instead of /graphql */
  legacy?: boolean;
}

export async function startParley({
  mode,
  apiDir = benchApiDir,
  nodeArgs = [],
  legacy = false,
}: ParleyOptions): Promise<Target> {
  const port = await freePort();
  const run = `bench_${Date.now().toString(36)}_${process.pid}`;
  const database = mode === "shared" ? await createDatabase(run) : undefined;
  const child = track(
    spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/main.ts"], {
      cwd: apiDir,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        JWT_SECRET,
        ACCESS_TOKEN_TTL: "86400", // no socket of the run is closed by an expiring token
        // A few thousand messages a second from a thousand users: far past what real clients are allowed.
        RATE_LIMIT_MESSAGES_PER_SECOND: "1000000",
        RATE_LIMIT_MESSAGES_BURST: "1000000",
        REDIS_KEY_PREFIX: `${run}:`,
        DATABASE_URL: database?.url ?? "",
        REDIS_URL: mode === "shared" ? redisUrl : "",
        PARLEY_DATA_DIR: "memory://",
      },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
  try {
    await waitForPort(child, port);
  } catch (error) {
    await stopChild(child);
    await database?.drop();
    throw error;
  }
  return {
    name: `${legacy ? "bridge" : "parley"} ${mode}`,
    kind: legacy ? "bridge" : "parley",
    wsUrl: legacy ? `ws://127.0.0.1:${port}/ws/events/` : `ws://127.0.0.1:${port}/graphql`,
    httpUrl: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    databasePids: async () => (database ? database.backendPids() : []),
    countMessages: async () => (database ? database.countMessages() : null),
    ...(database ? { insertUsers: database.insertUsers } : {}),
    async stop() {
      await stopChild(child);
      await database?.drop();
    },
  };
}

/** A fresh database per run; the server applies the migrations at start. */
async function createDatabase(name: string) {
  const admin = new pg.Client({ connectionString: baseDatabaseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  const query = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows;
  const inRunDatabase = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    backendPids: async () =>
      (await query("select pid from pg_stat_activity where datname = $1", [name])).map((row) => Number(row.pid)),
    countMessages: async () => Number((await inRunDatabase("select count(*) as n from messages"))[0].n),
    async insertUsers(usernames: string[]) {
      const rows = await inRunDatabase(
        `insert into users (id, username, username_key, email, nickname, nickname_key, password_hash)
         select gen_random_uuid(), u, lower(u), lower(u) || '@bench.test', u, lower(u), 'not-a-password-hash'
         from unnest($1::text[]) as u returning id, username`,
        [usernames],
      );
      const sessions = await inRunDatabase(
        "insert into sessions (id, user_id) select gen_random_uuid(), u from unnest($1::uuid[]) as u returning id, user_id",
        [rows.map((row) => row.id)],
      );
      const sessionOf = new Map(sessions.map((row) => [String(row.user_id), String(row.id)]));
      const ids = new Map(rows.map((row) => [String(row.username), String(row.id)]));
      return usernames.map((name) => {
        const userId = ids.get(name)!;
        return { userId, sessionId: sessionOf.get(userId)! };
      });
    },
    async drop() {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

function track(child: ChildProcess) {
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(child: ChildProcess, port: number) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`server did not listen on ${port} within 90 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}
