// MessageWriter: the batching logic against a fake Sql (a pure unit test: split, retry, in-flight cap, queue
// bound, timeout), then one data error in a batch on the real database (PGlite, or PostgreSQL in shared mode).
import { randomUUID } from "node:crypto";
import { createDb, type Db, type Sql } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageWriter, type NewMessage, type WrittenMessage } from "../src/domains/chat/message-writer.ts";
import { UnavailableError } from "../src/infra/unavailable.ts";
import { createTestDatabase, type TestDatabase } from "./harness.ts";

const CHAT = randomUUID();
const USER = randomUUID();

const message = (content = "hi"): NewMessage => ({
  id: randomUUID(),
  chatId: CHAT,
  senderId: USER,
  content,
  clientTimestamp: null,
  clientMessageId: null,
});

type Row = { id: string; content: string };
type Answer = (rows: Row[], statement: number) => Promise<void> | void;

/**
 * A fake Sql that records every statement (its rows and how many ran at once) and answers through `answer`:
 * throw to fail the statement, or return (after waiting, if you like) to write every row.
 */
function fakeSql(answer: Answer, parallelism = 4) {
  const statements: Row[][] = [];
  let running = 0;
  let maxRunning = 0;
  async function query<R>(_text: string, params?: unknown[]): Promise<R[]> {
    const rows = JSON.parse(String(params?.[0])) as Row[];
    statements.push(rows);
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await answer(rows, statements.length);
      return rows.map((row, index) => written(row.id, index + 1) as R);
    } finally {
      running--;
    }
  }
  const sql: Sql = {
    parallelism,
    query,
    prepared: (_name, text, params) => query(text, params),
    transaction: () => Promise.reject(new Error("not used by the writer")),
  };
  return { sql, statements, maxRunning: () => maxRunning };
}

const written = (id: string, seq: number): WrittenMessage => ({
  id,
  seq,
  chatId: USER,
  createdAt: new Date(),
  chatKind: "DIRECT",
  memberIds: [USER],
  sender: { id: USER, username: "u", nickname: "u", avatar: null, elo: 1000 },
});

const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

/** Settles every promise and tells apart the fulfilled values and the rejection reasons. */
async function outcomes<T>(promises: Promise<T>[]) {
  const settled = await Promise.allSettled(promises);
  return {
    values: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
    reasons: settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : [])),
  };
}

/** A gate that holds statements until opened. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open: () => open() };
}

describe("MessageWriter batching (fake Sql)", () => {
  it("groups sends that arrive while statements run, never more than maxInFlight at once", async () => {
    const fake = fakeSql(() => new Promise((resolve) => setTimeout(resolve, 5)));
    const writer = new MessageWriter(fake.sql, { maxBatch: 100, maxInFlight: 3 });
    const { values, reasons } = await outcomes(Array.from({ length: 1000 }, () => writer.write(message())));
    expect(reasons).toEqual([]);
    expect(values.every((row) => row !== null)).toBe(true);
    expect(fake.maxRunning()).toBe(3);
    // 3 singles start at once, the other 997 wait and go 100 at a time
    expect(fake.statements.length).toBe(3 + 10);
  });

  it("a database that always fails: 1,004 sends cost 6 statements, 4 at once, each send UNAVAILABLE", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const fake = fakeSql(async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      throw refused;
    });
    const writer = new MessageWriter(fake.sql);
    const { values, reasons } = await outcomes(Array.from({ length: 1004 }, () => writer.write(message())));
    expect(values).toEqual([]);
    expect(reasons).toHaveLength(1004);
    expect(reasons.every((reason) => reason instanceof UnavailableError)).toBe(true);
    expect((reasons[0] as Error).cause).toBe(refused);
    expect(fake.statements.length).toBe(6); // 4 singles, then 500 + 500
    expect(fake.maxRunning()).toBe(4);
  });

  it("a PostgreSQL shutdown (SQLSTATE class 57) fails the batch as UNAVAILABLE without splitting it", async () => {
    const hold = gate();
    const fake = fakeSql(async (_rows, statement) => {
      if (statement === 1) return hold.wait();
      throw sqlError("57P01");
    }, 1);
    const writer = new MessageWriter(fake.sql);
    const first = writer.write(message());
    const batch = Array.from({ length: 64 }, () => writer.write(message()));
    hold.open();
    expect(await first).not.toBeNull();
    const { reasons } = await outcomes(batch);
    expect(reasons.every((reason) => reason instanceof UnavailableError)).toBe(true);
    expect(reasons).toHaveLength(64);
    expect(fake.statements.length).toBe(2);
  });

  it("a data error splits the batch in halves, one after another, until the bad message fails alone", async () => {
    const hold = gate();
    const fake = fakeSql(async (rows, statement) => {
      if (statement === 1) return hold.wait();
      if (rows.some((row) => row.content === "bad")) throw sqlError("22P05");
    }, 1);
    const writer = new MessageWriter(fake.sql);
    const first = writer.write(message());
    const contents = Array.from({ length: 64 }, (_, i) => (i === 37 ? "bad" : `m${i}`));
    const sends = contents.map((content) => writer.write(message(content)));
    hold.open();
    await first;
    const settled = await Promise.allSettled(sends);
    const failed = settled.flatMap((s, i) => (s.status === "rejected" ? [{ i, reason: s.reason }] : []));
    expect(failed.map((f) => f.i)).toEqual([37]);
    expect(failed[0]?.reason).toMatchObject({ code: "22P05" });
    expect(settled.filter((s) => s.status === "fulfilled" && s.value !== null)).toHaveLength(63);
    // 1 + the batch of 64 + 2 per level of a bisection down to 1 (6 levels): 14, not 64 single retries
    expect(fake.statements.length).toBe(14);
    expect(fake.maxRunning()).toBe(1);
  });

  it("an integrity error (class 23) splits too; other SQL errors fail the batch as they are", async () => {
    const hold = gate();
    const fake = fakeSql(async (rows, statement) => {
      if (statement === 1) return hold.wait();
      if (rows.some((row) => row.content === "dup")) throw sqlError("23505");
      if (rows.some((row) => row.content === "bug")) throw sqlError("42P01");
    }, 1);
    const writer = new MessageWriter(fake.sql);
    const first = writer.write(message());
    const batch = ["dup", "ok", "bug", "bug"].map((content) => writer.write(message(content)));
    hold.open();
    await first;
    const [dup, ok, ...bugs] = await Promise.allSettled(batch);
    expect(dup).toMatchObject({ reason: { code: "23505" } });
    expect(ok).toMatchObject({ status: "fulfilled", value: { id: expect.any(String) } });
    for (const bug of bugs) {
      expect(bug).toMatchObject({ reason: { code: "42P01" } });
      expect(bug).not.toMatchObject({ reason: expect.any(UnavailableError) });
    }
    // the batch of 4 splits on 23505 into [dup, ok] (split again) and [bug, bug], which 42P01 fails whole
    expect(fake.statements.map((rows) => rows.length)).toEqual([1, 4, 2, 1, 1, 2]);
  });

  it("retries a deadlock or serialization failure up to 3 attempts, then gives up", async () => {
    let failures = 2;
    const fake = fakeSql(() => {
      if (failures-- > 0) throw sqlError("40P01");
    });
    const writer = new MessageWriter(fake.sql);
    expect(await writer.write(message())).not.toBeNull();
    expect(fake.statements.length).toBe(3);

    const always = fakeSql(() => {
      throw sqlError("40001");
    });
    const stubborn = new MessageWriter(always.sql);
    await expect(stubborn.write(message())).rejects.toMatchObject({ code: "40001" });
    expect(always.statements.length).toBe(3);
  });

  it("refuses a send at once when maxQueue sends are waiting, and reports the queue depth", async () => {
    const hold = gate();
    const fake = fakeSql(() => hold.wait(), 2);
    const writer = new MessageWriter(fake.sql, { maxQueue: 10 });
    const accepted = Array.from({ length: 12 }, () => writer.write(message())); // 2 in flight + 10 waiting
    expect(writer.statementsInFlight).toBe(2);
    expect(writer.queueDepth).toBe(10);
    await expect(writer.write(message())).rejects.toBeInstanceOf(UnavailableError);
    hold.open();
    const { values, reasons } = await outcomes(accepted);
    expect(reasons).toEqual([]);
    expect(values).toHaveLength(12);
    expect(writer.queueDepth).toBe(0);
  });

  it("a send waiting longer than queueTimeoutMs is refused; one already in a statement waits for it", async () => {
    const hold = gate();
    const fake = fakeSql(() => hold.wait(), 1);
    const writer = new MessageWriter(fake.sql, { queueTimeoutMs: 50 });
    const inFlight = writer.write(message());
    const waiting = Array.from({ length: 5 }, () => writer.write(message()));
    const started = Date.now();
    const { reasons } = await outcomes(waiting);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reasons).toHaveLength(5);
    expect(reasons.every((reason) => reason instanceof UnavailableError)).toBe(true);
    expect(writer.queueDepth).toBe(0);
    hold.open();
    expect(await inFlight).not.toBeNull();
    expect(fake.statements.length).toBe(1); // the refused sends were never written
  });

  it("tells an observer each statement's size and outcome", async () => {
    const seen: { size: number; ok: boolean }[] = [];
    let fail = true;
    const fake = fakeSql(() => {
      if (fail) {
        fail = false;
        throw sqlError("40P01");
      }
    }, 1);
    const writer = new MessageWriter(fake.sql, {}, ({ size, ok }) => seen.push({ size, ok }));
    await Promise.all([writer.write(message()), writer.write(message()), writer.write(message())]);
    expect(seen).toEqual([
      { size: 1, ok: false },
      { size: 1, ok: true },
      { size: 2, ok: true },
    ]);
  });
});

describe("MessageWriter on the real database", () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url, dataDir: "memory://" });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  /** Two users and their chat; every write of the test counted in `statements`. */
  async function setUp(names: [string, string]) {
    const [a, b] = [randomUUID(), randomUUID()].sort() as [string, string];
    for (const [id, name] of [
      [a, names[0]],
      [b, names[1]],
    ] as const) {
      await db.prisma.user.create({
        data: {
          id,
          username: name,
          usernameKey: name,
          email: `${name}@x.test`,
          passwordHash: "x",
          nickname: name,
          nicknameKey: name,
        },
      });
    }
    const chat = await db.prisma.chat.create({
      data: { userAId: a, userBId: b, members: { create: [{ userId: a }, { userId: b }] } },
    });
    const counter = { statements: 0 };
    const counting: Sql = {
      ...db.sql,
      query: (text, params) => {
        counter.statements++;
        return db.sql.query(text, params);
      },
      prepared: (name, text, params) => {
        counter.statements++;
        return db.sql.prepared(name, text, params);
      },
    };
    return { a, chat, counter, writer: new MessageWriter(counting, { maxInFlight: 1 }) };
  }

  it("one message PostgreSQL refuses (NUL) fails alone; the rest of its batch is stored in order", async () => {
    const { a, chat, counter, writer } = await setUp(["wa", "wb"]);
    const contents = Array.from({ length: 16 }, (_, i) => (i === 9 ? "nul \u0000 here" : `m${i}`));
    const sends = contents.map((content) => writer.write({ ...message(content), chatId: chat.id, senderId: a }));
    const settled = await Promise.allSettled(sends);
    const rejected = settled.flatMap((s, i) => (s.status === "rejected" ? [{ i, reason: s.reason }] : []));
    expect(rejected.map((r) => r.i)).toEqual([9]);
    expect(rejected[0]?.reason).toMatchObject({ code: expect.stringMatching(/^22/) });
    expect(rejected[0]?.reason).not.toBeInstanceOf(UnavailableError);
    const stored = await db.prisma.message.findMany({ where: { chatId: chat.id }, orderBy: { seq: "asc" } });
    expect(stored.map((m) => m.content)).toEqual(contents.filter((_, i) => i !== 9));
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    // 1 alone, then the batch of 15 and its bisection down to the bad message: 2 per level, 4 levels
    expect(counter.statements).toBeLessThanOrEqual(1 + 1 + 2 * 4);
  });

  it("a repeated clientMessageId in a batch is skipped, not an error: the batch stays one statement", async () => {
    const { a, chat, counter, writer } = await setUp(["ka", "kb"]);
    const keyed = (content: string, key: string) => ({
      ...message(content),
      chatId: chat.id,
      senderId: a,
      clientMessageId: key,
    });
    expect(await writer.write(keyed("first", "k1"))).not.toBeNull();
    const batch = await Promise.all(
      [keyed("x", "k0"), keyed("again", "k1"), keyed("new", "k2"), keyed("twice", "k3"), keyed("twice", "k3")].map(
        (m) => writer.write(m),
      ),
    );
    expect(batch.map((row) => row !== null)).toEqual([true, false, true, true, false]);
    expect(counter.statements).toBe(2);
    const stored = await db.prisma.message.findMany({ where: { chatId: chat.id }, orderBy: { seq: "asc" } });
    expect(stored.map((m) => [m.seq, m.content])).toEqual([
      [1, "first"],
      [2, "x"],
      [3, "new"],
      [4, "twice"],
    ]);
  });
});
