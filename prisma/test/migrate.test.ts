// The migration runner (src/migrate.ts) on small throwaway migration directories: order, once-only,
// checksums, refusal of edited migrations, atomicity, and — on PostgreSQL — concurrent runners.
import { createHash } from "node:crypto";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/create-db.ts";
import { migrate, readMigrations } from "../src/migrate.ts";
import { poolSql, type Sql } from "../src/sql.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, "migration.sql"), sql);
}

/** Every fake migration logs its own name, so the log shows what ran, in which order, how often. */
const logged = (name: string) => `INSERT INTO log (migration) VALUES ('${name}');`;
const CREATE_LOG = "CREATE TABLE log (id serial PRIMARY KEY, migration text NOT NULL);";

async function loggedMigrations(sql: Sql): Promise<string[]> {
  return (await sql.query<{ migration: string }>("SELECT migration FROM log ORDER BY id")).map((r) => r.migration);
}

async function tableExists(sql: Sql, table: string): Promise<boolean> {
  const [row] = await sql.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [table]);
  return row?.exists === true;
}

/** The runner's behaviour on one fresh, empty database per test; `open` provides it. */
function runnerBehaviour(open: () => Promise<Db>): void {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "parley-migrations-"));
    db = await open();
  });

  afterEach(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies pending migrations in name order, and nothing on a second run", async () => {
    await writeMigration(dir, "0010_third", logged("0010_third"));
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    await writeMigration(dir, "0002_second", logged("0002_second"));
    await writeFile(join(dir, "README.md"), "ignored: not a folder");

    expect(await migrate(db.sql, dir)).toEqual(["0001_first", "0002_second", "0010_third"]);
    expect(await migrate(db.sql, dir)).toEqual([]);
    expect(await loggedMigrations(db.sql)).toEqual(["0001_first", "0002_second", "0010_third"]);
  });

  it("refuses a misnamed migration folder instead of never applying it", async () => {
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    await mkdir(join(dir, "0002_Add-Field"));
    await expect(migrate(db.sql, dir)).rejects.toThrow(/0002_Add-Field/);
  });

  it("records each applied migration's name and the SHA-256 of its file", async () => {
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    await writeMigration(dir, "0002_second", logged("0002_second"));
    await migrate(db.sql, dir);

    const rows = await db.sql.query<{ name: string; checksum: string; applied_at: unknown }>(
      "SELECT name, checksum, applied_at FROM parley_migrations ORDER BY name",
    );
    const sha256 = async (name: string) =>
      createHash("sha256")
        .update(await readFile(join(dir, name, "migration.sql")))
        .digest("hex");
    expect(rows.map(({ name, checksum }) => ({ name, checksum }))).toEqual([
      { name: "0001_first", checksum: await sha256("0001_first") },
      { name: "0002_second", checksum: await sha256("0002_second") },
    ]);
    for (const row of rows) expect(row.applied_at).toBeInstanceOf(Date);
    expect((await readMigrations(dir)).map((m) => m.checksum)).toEqual(rows.map((r) => r.checksum));
  });

  it("applies only the migrations added since the last run", async () => {
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    expect(await migrate(db.sql, dir)).toEqual(["0001_first"]);
    await writeMigration(dir, "0002_second", logged("0002_second"));
    await writeMigration(dir, "0003_third", logged("0003_third"));
    expect(await migrate(db.sql, dir)).toEqual(["0002_second", "0003_third"]);
    expect(await loggedMigrations(db.sql)).toEqual(["0001_first", "0002_second", "0003_third"]);
  });

  it("refuses to run when an applied migration was edited, and applies nothing", async () => {
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    await writeMigration(dir, "0002_second", logged("0002_second"));
    await migrate(db.sql, dir);
    const original = await readFile(join(dir, "0002_second", "migration.sql"), "utf8");

    await appendFile(join(dir, "0002_second", "migration.sql"), "\n-- an innocent-looking edit\n");
    await writeMigration(dir, "0003_third", logged("0003_third"));
    await expect(migrate(db.sql, dir)).rejects.toThrow("Migration 0002_second was edited after it was applied");
    expect(await loggedMigrations(db.sql)).toEqual(["0001_first", "0002_second"]);

    // Once the edit is undone, the pending migration goes through.
    await writeFile(join(dir, "0002_second", "migration.sql"), original);
    expect(await migrate(db.sql, dir)).toEqual(["0003_third"]);
  });

  it("rolls back the whole run when a migration fails", async () => {
    await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}`);
    await writeMigration(dir, "0002_second", logged("0002_second"));
    await writeMigration(dir, "0003_broken", "SELECT * FROM no_such_table;");

    await expect(migrate(db.sql, dir)).rejects.toThrow(/no_such_table/);
    expect(await tableExists(db.sql, "log")).toBe(false);
    expect(await tableExists(db.sql, "parley_migrations")).toBe(false);
  });

  it("applies the committed migrations once", async () => {
    const committed = (await readMigrations()).map((m) => m.name);
    expect(committed.length).toBeGreaterThan(0);
    expect(await migrate(db.sql)).toEqual(committed);
    expect(await migrate(db.sql)).toEqual([]);
  });
}

describe("migration runner on PGlite", () => {
  runnerBehaviour(() => createDb({ dataDir: "memory://", migrate: false }));
});

describePostgres("migration runner on PostgreSQL", () => {
  const createDatabase = useTestDatabases();

  runnerBehaviour(async () => {
    const { url } = await createDatabase("runner");
    return createDb({ databaseUrl: url, dataDir: "memory://", migrate: false, poolSize: 2 });
  });

  describe("with concurrent runners", () => {
    let dir: string;
    const pools: pg.Pool[] = [];

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "parley-migrations-"));
    });

    afterEach(async () => {
      await Promise.all(pools.splice(0).map((pool) => pool.end()));
      await rm(dir, { recursive: true, force: true });
    });

    // A database may default to a stricter isolation level; the runner must not depend on the default.
    it.each(["read committed", "repeatable read", "serializable"])(
      "five instances starting together on an empty database apply each migration exactly once (default isolation: %s)",
      async (isolation) => {
        const { name, url } = await createDatabase("concurrent");
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`ALTER DATABASE "${name}" SET default_transaction_isolation = '${isolation}'`);
        await admin.end();
        // The sleep keeps the first runner inside its transaction while the others arrive.
        await writeMigration(dir, "0001_first", `${CREATE_LOG}\n${logged("0001_first")}\nSELECT pg_sleep(0.5);`);
        await writeMigration(dir, "0002_second", logged("0002_second"));
        for (let i = 0; i < 5; i++) pools.push(new pg.Pool({ connectionString: url, max: 1 }));

        const results = await Promise.all(pools.map((pool) => migrate(poolSql(pool), dir)));

        expect(results.filter((applied) => applied.length > 0)).toEqual([["0001_first", "0002_second"]]);
        expect(results.filter((applied) => applied.length === 0)).toHaveLength(4);
        const sql = poolSql(pools[0] as pg.Pool);
        expect(await loggedMigrations(sql)).toEqual(["0001_first", "0002_second"]);
        expect(await sql.query("SELECT name FROM parley_migrations ORDER BY name")).toEqual([
          { name: "0001_first" },
          { name: "0002_second" },
        ]);
      },
    );
  });
});
