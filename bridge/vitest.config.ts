import { defineConfig } from "vitest/config";

// The transport-free core with a fake socket and a fake API socket: no services needed.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: { include: ["test/**/*.test.ts"] },
});
