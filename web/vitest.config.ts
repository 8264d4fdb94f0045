import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// "unit": cache updaters and stores, in Node. "e2e": Chromium against a real Parley process serving build/.
export default defineConfig({
  resolve: { alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) } },
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-results.json" },
    projects: [
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // one file at a time: each runs a Parley process and Chromium on a 2-core machine
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
