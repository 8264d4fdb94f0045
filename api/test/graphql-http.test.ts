// The GraphQL-over-HTTP endpoint against the graphql-http audit suite: every MUST, SHOULD and MAY item passes.
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe("graphql-http audits (MUST, SHOULD, MAY)", () => {
  for (const audit of serverAudits({ url: () => server.url, fetchFn: fetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status, "response" in result ? result.reason : "").toBe("ok");
    });
  }
});
