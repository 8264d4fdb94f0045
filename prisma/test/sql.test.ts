// Sql.prepared (src/sql.ts): named statements planned once per connection, on PGlite and on PostgreSQL.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../src/create-db.ts";
import { poolSql, type Sql } from "../src/sql.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";

const ROW = "SELECT $1::int AS n, $2::timestamptz AS at, json_build_object('k', $3::text) AS obj";

function preparedBehaviour(open: () => Promise<{ sql: Sql; close(): Promise<void> }>): void {
  let db: { sql: Sql; close(): Promise<void> };
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.close());

  it("returns the rows query returns, parsed the same way, call after call", async () => {
    const params = ["7", "2026-12-01T10:00:00.000Z", "v"];
    const expected = await db.sql.query(ROW, params);
    expect(expected).toEqual([{ n: 7, at: new Date("2026-12-01T10:00:00.000Z"), obj: { k: "v" } }]);
    for (let i = 0; i < 3; i++) expect(await db.sql.prepared("row", ROW, params)).toEqual(expected);
  });

  it("parses the statement once per connection", async () => {
    await db.sql.prepared("row", ROW, ["1", null, null]);
    await db.sql.prepared("row", ROW, ["2", null, null]);
    const statements = await db.sql.query<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements",
    );
    expect(statements).toEqual([{ name: "row", statement: ROW }]);
  });

  it("rejects a failing call with its SQLSTATE and keeps the connection usable", async () => {
    const divide = "SELECT 1 / $1::int AS q";
    await expect(db.sql.prepared("divide", divide, ["0"])).rejects.toMatchObject({ code: "22012" });
    expect(await db.sql.prepared("divide", divide, ["1"])).toEqual([{ q: 1 }]);
  });

  it("does not run inside another caller's open transaction", async () => {
    await db.sql.query("CREATE TABLE t (id int)");
    let inTransaction!: () => void;
    const started = new Promise<void>((resolve) => {
      inTransaction = resolve;
    });
    const rolledBack = db.sql
      .transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1)");
        inTransaction();
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error("roll back");
      })
      .catch(() => {});
    await started;
    expect(await db.sql.prepared("count", "SELECT count(*)::int AS n FROM t", [])).toEqual([{ n: 0 }]);
    await rolledBack;
  });
}

describe("Sql.prepared on PGlite", () => {
  preparedBehaviour(() => createDb({ dataDir: "memory://", migrate: false }));
});

describePostgres("Sql.prepared on PostgreSQL (one pooled connection)", () => {
  const database = useTestDatabases();
  preparedBehaviour(async () => {
    const pool = new pg.Pool({ connectionString: (await database("prepared")).url, max: 1 });
    return { sql: poolSql(pool), close: () => pool.end() };
  });
});
