import { defineConfig } from "vitest/config";

// "embedded": PGlite + in-memory pub/sub, always. "shared": PostgreSQL + Redis, when their URLs are
// set, and always on CI, where a missing service makes the suite fail instead of skipping.
const shared = Boolean(process.env.DATABASE_URL || process.env.REDIS_URL || process.env.CI === "true");

export default defineConfig({
  // Dependencies load graphql's CommonJS build through Node; make our own imports use the same copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-results.json" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: (shared ? ["embedded", "shared"] : ["embedded"]).map((name) => ({
      extends: true as const,
      test: {
        name,
        include: ["test/**/*.test.ts"],
        // *.shared.test.ts need several instances on one PostgreSQL + Redis; the browser tests run once
        exclude: name === "embedded" ? ["test/**/*.shared.test.ts"] : ["test/**/*.browser.test.ts"],
        env: { PARLEY_TEST_MODE: name },
      },
    })),
  },
});
