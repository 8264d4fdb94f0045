import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sql } from "./sql.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

/** Any constant works; it only has to be the same in every instance. */
const LOCK_KEY = 0x5041524c; // "PARL"

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const folders = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
  // A misnamed folder would otherwise never be applied, silently.
  const misnamed = folders.filter((entry) => !MIGRATION_NAME.test(entry.name));
  if (misnamed.length > 0) {
    throw new Error(`Migration folders must be named NNNN_snake_case: ${misnamed.map((e) => e.name).join(", ")}`);
  }
  const names = folders.map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies pending migrations in name order, each once, in one transaction under an advisory lock,
 * so instances starting together never race. Refuses to run if an applied file was edited.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  return sql.transaction(async (tx) => {
    // Read committed whatever the database's default_transaction_isolation, so a runner that waited for
    // the lock sees what the previous holder committed (a repeatable-read snapshot predates the wait).
    await tx.exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS parley_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Map(
      (await tx.query<{ name: string; checksum: string }>("SELECT name, checksum FROM parley_migrations")).map(
        (row) => [row.name, row.checksum],
      ),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum === migration.checksum) continue;
      if (checksum !== undefined) {
        throw new Error(`Migration ${migration.name} was edited after it was applied`);
      }
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO parley_migrations (name, checksum) VALUES ($1, $2)", [
        migration.name,
        migration.checksum,
      ]);
      done.push(migration.name);
    }
    return done;
  });
}
