// PostgreSQL for tests: DATABASE_URL names the server (and an existing database to administer it from);
// every test gets its own freshly created, uniquely named database, dropped when the file finishes.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, it } from "vitest";

const databaseUrl = process.env.DATABASE_URL;

/**
 * `describe` for tests that need a real PostgreSQL server. Without DATABASE_URL they are skipped
 * locally but fail on CI (CI=true), so a misconfigured pipeline cannot silently pass.
 */
export function describePostgres(name: string, body: () => void): void {
  if (databaseUrl) {
    describe(name, body);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("needs DATABASE_URL", () => {
        throw new Error(
          "CI=true but DATABASE_URL is not set, so the PostgreSQL tests cannot run. " +
            "Set DATABASE_URL to a PostgreSQL server URL whose user may CREATE DATABASE " +
            "(e.g. postgresql://postgres@127.0.0.1:5432/postgres).",
        );
      });
    });
  } else {
    describe.skip(`${name} (set DATABASE_URL to run)`, body);
  }
}

export interface TestDatabase {
  name: string;
  url: string;
}

/**
 * Returns a function creating fresh databases on the DATABASE_URL server; all of them are dropped
 * after the calling file's tests. Call at the top of a `describePostgres` body.
 */
export function useTestDatabases(): (label: string) => Promise<TestDatabase> {
  const created: string[] = [];
  afterAll(async () => {
    if (created.length === 0) return;
    await withAdmin(async (admin) => {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    });
  });
  return async (label) => {
    const name = `parley_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}_${label}`.slice(0, 63);
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
    created.push(name);
    return { name, url: urlFor(requireUrl(), name) };
  };
}

function requireUrl(): string {
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  return databaseUrl;
}

function urlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Connects to DATABASE_URL's database, or to `postgres` when that one does not exist yet. */
async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  let admin = new pg.Client({ connectionString: requireUrl() });
  try {
    await admin.connect();
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error; // invalid_catalog_name
    admin = new pg.Client({ connectionString: urlFor(requireUrl(), "postgres") });
    await admin.connect();
  }
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
