import { type PGlite, parse, protocol } from "@electric-sql/pglite";
import type pg from "pg";

/** The few raw-SQL operations Parley needs beside Prisma: migrations and batched hot paths. */
export interface Sql {
  /** Statements that can run at the same time: PGlite has one connection, a pool several. */
  readonly parallelism: number;
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * `query` as a named prepared statement, planned once per connection instead of on every call: for the hot
   * path's batched statements, whose planning costs more than running them. Parameters are sent as text.
   */
  prepared<R = Record<string, unknown>>(name: string, text: string, params: (string | null)[]): Promise<R[]>;
  /** Runs `work` on one connection inside BEGIN/COMMIT (multi-statement `exec` allowed). */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
}

export interface SqlTx {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  exec(script: string): Promise<void>;
}

export function poolSql(pool: pg.Pool): Sql {
  return {
    parallelism: pool.options.max ?? 10,
    async query(text, params) {
      return (await pool.query(text, params)).rows;
    },
    async prepared(name, text, params) {
      return (await pool.query({ name, text, values: params })).rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          query: async (text, params) => (await client.query(text, params)).rows,
          exec: async (script) => void (await client.query(script)),
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export function pgliteSql(db: PGlite): Sql {
  const prepared = new Set<string>();
  return {
    parallelism: 1,
    // biome-ignore lint/suspicious/noExplicitAny: PGlite's row type is generic per call
    query: async (text, params) => (await db.query<any>(text, params)).rows,
    prepared: (name, text, params) => pglitePrepared(db, prepared, name, text, params),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          // biome-ignore lint/suspicious/noExplicitAny: as above
          query: async (text, params) => (await tx.query<any>(text, params)).rows,
          exec: async (script) => void (await tx.exec(script)),
        }),
      ),
  };
}

const { serialize } = protocol;

/**
 * PGlite's `query` parses and plans its text on every call; this runs a named statement, parsed once, with the
 * same locks as `query` (not inside another caller's transaction) and the same result parsing.
 */
function pglitePrepared<R>(
  db: PGlite,
  parsed: Set<string>,
  name: string,
  text: string,
  params: (string | null)[],
): Promise<R[]> {
  const send = (message: Uint8Array) => db.execProtocolStream(message, { syncToFs: false });
  return db._runExclusiveTransaction(() =>
    db._runExclusiveQuery(async () => {
      const messages = [];
      try {
        if (!parsed.has(name)) {
          messages.push(...(await send(serialize.parse({ name, text }))));
          parsed.add(name);
        }
        messages.push(...(await send(serialize.bind({ statement: name, values: params }))));
        messages.push(...(await send(serialize.describe({ type: "P" }))));
        messages.push(...(await send(serialize.execute({}))));
      } finally {
        messages.push(...(await send(serialize.sync())));
      }
      await db.syncToFs();
      // biome-ignore lint/suspicious/noExplicitAny: as in query, the caller types the rows
      const rows: any[] = parse.parseResults(messages, db.parsers)[0]?.rows ?? [];
      return rows;
    }),
  );
}
