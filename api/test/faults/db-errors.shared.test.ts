// Which real PostgreSQL failures count as "the database is unavailable" (UNAVAILABLE) and which stay unexpected.
// The errors come from a real server and a real closed port, not from hand-written objects.

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { GraphQLError } from "graphql";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { maskError } from "../../src/graphql/errors.ts";
import { isConnectionError } from "../../src/infra/db-errors.ts";
import { DATABASE_UNAVAILABLE as UNAVAILABLE_MESSAGE } from "../../src/infra/unavailable.ts";
import { createTestDatabase, type TestDatabase } from "../harness.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function failureOf(run: (client: pg.Client) => Promise<unknown>, url = database.url): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  try {
    await client.connect();
    await run(client);
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
  throw new Error("expected a failure");
}

/** As yoga hands it to maskError: wrapped in a located GraphQLError. */
const located = (error: unknown) =>
  new GraphQLError("x", { path: ["me"], originalError: error instanceof Error ? error : undefined });

it("a refused connection and a terminated backend (57P01) are UNAVAILABLE, with the field's path", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const refused = await failureOf(async () => {}, `postgresql://postgres@127.0.0.1:${port}/postgres`);
  expect(refused).toMatchObject({ code: "ECONNREFUSED" });

  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const terminated = await failureOf(async (client) => {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const sleeping = client.query("SELECT pg_sleep(10)");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
    await sleeping;
  });
  await admin.end();
  expect(terminated).toMatchObject({ code: "57P01" });

  for (const error of [refused, terminated]) {
    expect(isConnectionError(error)).toBe(true);
    const masked = maskError(located(error), "Unexpected error.");
    expect(masked).toMatchObject({ message: UNAVAILABLE_MESSAGE, path: ["me"], extensions: { code: "UNAVAILABLE" } });
  }
});

it("data and query errors stay unexpected: masked as yoga masks them", async () => {
  const unique = await failureOf(async (client) => {
    await client.query("CREATE TEMP TABLE t (id int PRIMARY KEY)");
    await client.query("INSERT INTO t VALUES (1), (1)");
  });
  const syntax = await failureOf((client) => client.query("SELEKT 1"));
  const cancelled = await failureOf((client) => client.query("SET statement_timeout = 1; SELECT pg_sleep(1)"));
  expect([unique, syntax, cancelled]).toMatchObject([{ code: "23505" }, { code: "42601" }, { code: "57014" }]);
  for (const error of [unique, syntax, cancelled, new Error("boom")]) {
    expect(isConnectionError(error)).toBe(false);
    expect(maskError(located(error), "Unexpected error.")).toMatchObject({
      message: "Unexpected error.",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  }
});
