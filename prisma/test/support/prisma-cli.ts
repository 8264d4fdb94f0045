import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const PRISMA_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const SCHEMA_PATH = join(PRISMA_DIR, "schema.prisma");

const prismaCli = join(dirname(createRequire(import.meta.url).resolve("prisma/package.json")), "build/index.js");

/**
 * The SQL that creates `schemaPath`'s datamodel from nothing, as Prisma itself generates it
 * (`prisma migrate diff --from-empty --to-schema-datamodel … --script`). Runs offline: prisma.config.ts
 * points the CLI at its WebAssembly engine and an in-memory PGlite, so DATABASE_URL is only a placeholder.
 */
export async function prismaCreateScript(schemaPath: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [prismaCli, "migrate", "diff", "--from-empty", "--to-schema-datamodel", schemaPath, "--script"],
    {
      cwd: PRISMA_DIR, // so prisma.config.ts is picked up
      env: { ...process.env, DATABASE_URL: "postgresql://placeholder@localhost/parley", CHECKPOINT_DISABLE: "1" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const script = stdout.replace(/^Loaded Prisma config from .*$/m, "");
  if (!/CREATE TABLE/.test(script)) throw new Error(`prisma migrate diff printed no CREATE TABLE:\n${stdout}`);
  return script;
}
