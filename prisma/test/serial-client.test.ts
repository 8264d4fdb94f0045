// pg warns once per process when a query is sent on a client that is still running one. Prisma's interpreter
// loads a read's relations in parallel, and inside an interactive transaction they share one client: the
// pool's SerialClient must queue them. This file runs in its own worker, so the warning is not spent yet.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "../src/create-db.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";

const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.message);
const concurrentQueryWarnings = () => warnings.filter((message) => message.includes("already executing a query"));
/** process.emitWarning delivers on a later tick */
const warningsDelivered = () => new Promise((resolve) => setImmediate(resolve));

describePostgres("queries on one pg client run one at a time", () => {
  const createDatabase = useTestDatabases();
  let db: Db;
  beforeAll(async () => {
    process.on("warning", onWarning);
    db = await createDb({ databaseUrl: (await createDatabase("serial")).url, dataDir: "memory://" });
  });
  afterAll(async () => {
    process.off("warning", onWarning);
    await db?.close();
  });

  it("a read with several relations inside an interactive transaction raises no warning", async () => {
    const id = randomUUID();
    await db.prisma.user.create({
      data: {
        id,
        username: "serial",
        usernameKey: "serial",
        email: "serial@example.com",
        nickname: "serial",
        nicknameKey: "serial",
        passwordHash: "x",
        loginNames: { create: [{ name: "serial" }, { name: "serial@example.com" }] },
        sessions: { create: [{}, {}] },
      },
    });
    const users = await db.prisma.$transaction((tx) =>
      tx.user.findMany({ where: { id }, include: { loginNames: true, sessions: true, friends: true } }),
    );
    expect(users[0]?.loginNames).toHaveLength(2);
    expect(users[0]?.sessions).toHaveLength(2);
    await warningsDelivered();
    expect(concurrentQueryWarnings()).toEqual([]);
  });

  it("the check sees the warning when a plain client is used concurrently", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await Promise.all([1, 2, 3].map((n) => client.query("SELECT $1::int", [n])));
    } finally {
      await client.end();
    }
    await warningsDelivered();
    expect(concurrentQueryWarnings()).toHaveLength(1);
  });
});
