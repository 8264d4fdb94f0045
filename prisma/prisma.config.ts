// The Prisma CLI runs on its bundled WebAssembly engine against an in-memory PGlite,
// so generate and migrate diff work offline (no native engine download).
import { PGlite } from "@electric-sql/pglite";
import { defineConfig } from "prisma/config";
import { pgliteAdapter } from "./src/pglite-adapter.ts";

export default defineConfig({
  schema: "schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => pgliteAdapter(new PGlite()),
});
