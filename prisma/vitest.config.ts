import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "test-results.json" },
    // The Prisma CLI (WebAssembly schema engine) takes several seconds to start, PGlite about one.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
