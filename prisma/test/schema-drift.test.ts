// The committed migrations must build exactly the database schema.prisma describes: a schema.prisma
// edit without a matching migration (or a hand-edited migration that diverges) fails here.
// Expected side: Prisma's own `migrate diff --from-empty` SQL for the current schema.prisma, generated
// at test time and applied to a second fresh database; both databases are then described from the
// catalogs and compared (see support/schema-description.ts for what is compared).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbConfig } from "../src/create-db.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";
import { prismaCreateScript, SCHEMA_PATH } from "./support/prisma-cli.ts";
import { describeSchema, type SchemaDescription } from "./support/schema-description.ts";

/** A fresh database migrated by our runner (createDb migrates by default). */
async function describeMigrated(config: DbConfig): Promise<SchemaDescription> {
  const db = await createDb(config);
  try {
    return await describeSchema(db.sql);
  } finally {
    await db.close();
  }
}

/** A fresh database built by running `script` instead of our migrations. */
async function describeBuiltBy(script: string, config: DbConfig): Promise<SchemaDescription> {
  const db = await createDb({ ...config, migrate: false });
  try {
    await db.sql.transaction((tx) => tx.exec(script));
    return await describeSchema(db.sql);
  } finally {
    await db.close();
  }
}

let tempDir: string;
let prismaScript: string;
/** Prisma's SQL for a copy of schema.prisma with one extra column: proves the comparison can fail. */
let driftedScript: string;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), "parley-drift-"));
  const driftedSchema = join(tempDir, "schema.prisma");
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const edited = schema.replace(/^model User \{$/m, 'model User {\n  driftCanary String? @map("drift_canary")');
  expect(edited, "schema.prisma has no `model User {` line to edit").not.toBe(schema);
  await writeFile(driftedSchema, edited);
  [prismaScript, driftedScript] = await Promise.all([
    prismaCreateScript(SCHEMA_PATH),
    prismaCreateScript(driftedSchema),
  ]);
});

afterAll(async () => {
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

describe("migrations match schema.prisma on PGlite", () => {
  const config = { dataDir: "memory://" };

  it("a fresh database migrated by the runner has exactly the schema.prisma schema", async () => {
    const [migrated, expected] = await Promise.all([describeMigrated(config), describeBuiltBy(prismaScript, config)]);
    expect(Object.keys(migrated.tables)).toContain("users"); // the description is not vacuously empty
    expect(migrated).toEqual(expected);
  });

  it("notices a schema.prisma change that has no migration", async () => {
    const [migrated, drifted] = await Promise.all([describeMigrated(config), describeBuiltBy(driftedScript, config)]);
    expect(drifted.tables.users?.columns.drift_canary).toBe("text");
    expect(migrated.tables.users?.columns).not.toHaveProperty("drift_canary");
    expect(migrated).not.toEqual(drifted);
  });
});

describePostgres("migrations match schema.prisma on PostgreSQL", () => {
  const createDatabase = useTestDatabases();

  it("a fresh database migrated by the runner has exactly the schema.prisma schema", async () => {
    const [migratedDb, expectedDb] = await Promise.all([createDatabase("drift_mig"), createDatabase("drift_exp")]);
    const [migrated, expected] = await Promise.all([
      describeMigrated({ databaseUrl: migratedDb.url, dataDir: "memory://" }),
      describeBuiltBy(prismaScript, { databaseUrl: expectedDb.url, dataDir: "memory://" }),
    ]);
    expect(Object.keys(migrated.tables)).toContain("users");
    expect(migrated).toEqual(expected);
  });
});
