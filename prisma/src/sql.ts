import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** The few raw-SQL operations Parley needs beside Prisma: migrations and batched hot paths. */
export interface Sql {
  /** Statements that can run at the same time: PGlite has one connection, a pool several. */
  readonly parallelism: number;
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
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
  return {
    parallelism: 1,
    // biome-ignore lint/suspicious/noExplicitAny: PGlite's row type is generic per call
    query: async (text, params) => (await db.query<any>(text, params)).rows,
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
