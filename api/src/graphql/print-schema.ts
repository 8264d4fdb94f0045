// npm run schema:print writes schema.graphql; --check fails when the checked-in file is stale (CI drift check).
import { readFile, writeFile } from "node:fs/promises";
import { printSchema } from "graphql";
import { schema } from "./schema.ts";

const file = new URL("../../../schema.graphql", import.meta.url);
const printed = `${printSchema(schema)}\n`;

if (process.argv.includes("--check")) {
  const current = await readFile(file, "utf8").catch(() => "");
  if (current !== printed) {
    console.error("schema.graphql is out of date: run `npm run schema:print` and commit it.");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
} else {
  await writeFile(file, printed);
  console.log("wrote schema.graphql");
}
