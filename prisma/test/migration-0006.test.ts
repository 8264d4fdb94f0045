// Migration 0006 (groups) on a database holding 0005-era chats and messages: every chat and message survives,
// both people of each chat become its members, and each member's read position is the longest prefix of the
// messages sent to them that they really read (never marking an unread message read).
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/create-db.ts";
import { MIGRATIONS_DIR, migrate } from "../src/migrate.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";

const GROUPS = "0006_groups";

/** The committed migrations up to and including `last`, in a directory of their own. */
async function migrationsUpTo(dir: string, last: string): Promise<void> {
  for (const name of (await readdir(MIGRATIONS_DIR)).filter((entry) => entry <= last)) {
    await cp(join(MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  }
}

// Ordered ids, so user_a_id < user_b_id holds as the 0005 code stored it.
const U = [1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
const CHAT = [1, 2, 3, 4].map((n) => `10000000-0000-4000-8000-00000000000${n}`);

/** [chat, seq, sender index, is_read, is_really_read, is_liked] */
type Row = [number, number, number, boolean, boolean, boolean];
const MESSAGES: Row[] = [
  // chat 0 (u0, u1): u1 read 1, not 3, then 4 out of order, not 6; u0 read 2, not 5
  [0, 1, 0, true, true, true],
  [0, 2, 1, true, true, false],
  [0, 3, 0, false, false, false],
  [0, 4, 0, true, true, false],
  [0, 5, 1, false, false, false],
  [0, 6, 0, false, false, false],
  // chat 1 (u0, u2): a block marked 1 read, u0 never read it; 2 really read
  [1, 1, 2, true, false, false],
  [1, 2, 2, true, true, false],
  // chat 3 (u2, u3): everything read
  [3, 1, 2, true, true, false],
  [3, 2, 3, true, true, true],
];
const PAIRS: [number, number][] = [
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 3],
];

async function seed0005(db: Db): Promise<void> {
  for (const [i, id] of U.entries()) {
    await db.sql.query(
      `INSERT INTO users (id, username, username_key, email, nickname, nickname_key, password_hash)
       VALUES ($1, $2, $2, $3, $2, $2, 'x')`,
      [id, `user${i}`, `user${i}@x.test`],
    );
  }
  for (const [i, [a, b]] of PAIRS.entries()) {
    const last = Math.max(0, ...MESSAGES.filter(([chat]) => chat === i).map(([, seq]) => seq));
    await db.sql.query("INSERT INTO chats (id, user_a_id, user_b_id, last_seq) VALUES ($1, $2, $3, $4)", [
      CHAT[i],
      U[a],
      U[b],
      last,
    ]);
  }
  for (const [chat, seq, sender, isRead, reallyRead, liked] of MESSAGES) {
    await db.sql.query(
      `INSERT INTO messages (id, chat_id, seq, sender_id, content, client_message_id, is_read, is_really_read, is_liked)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8)`,
      [CHAT[chat], seq, U[sender], `c${chat} m${seq}`, `k${chat}-${seq}`, isRead, reallyRead, liked],
    );
  }
}

function migrationWithData(open: () => Promise<Db>): void {
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "parley-0006-"));
    db = await open();
    await migrationsUpTo(dir, "0005_zzz");
    await migrate(db.sql, dir);
    await seed0005(db);
    await migrationsUpTo(dir, GROUPS);
    expect(await migrate(db.sql, dir)).toEqual([GROUPS]);
  });

  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps every chat and message, as DIRECT chats and TEXT messages", async () => {
    const chats = await db.sql.query<{ id: string; kind: string; title: string | null }>(
      "SELECT id, kind::text, title FROM chats WHERE id = ANY($1::uuid[]) ORDER BY id",
      [CHAT],
    );
    expect(chats).toEqual(CHAT.map((id) => ({ id, kind: "DIRECT", title: null })));
    const messages = await db.sql.query(
      `SELECT chat_id, seq, sender_id, content, client_message_id, is_liked, kind::text
       FROM messages ORDER BY chat_id, seq`,
    );
    expect(messages).toEqual(
      MESSAGES.map(([chat, seq, sender, , , liked]) => ({
        chat_id: CHAT[chat],
        seq,
        sender_id: U[sender],
        content: `c${chat} m${seq}`,
        client_message_id: `k${chat}-${seq}`,
        is_liked: liked,
        kind: "TEXT",
      })),
    );
  });

  it("makes both people of each chat its members, at the longest prefix they really read", async () => {
    const members = await db.sql.query<{ chat_id: string; user_id: string; role: string; read_seq: number }>(
      "SELECT chat_id, user_id, role::text, read_seq, delivered_seq FROM chat_members ORDER BY chat_id, user_id",
    );
    const position = (chat: number, user: number, seq: number) => ({
      chat_id: CHAT[chat],
      user_id: U[user],
      role: "MEMBER",
      read_seq: seq,
      delivered_seq: seq,
    });
    expect(members).toEqual([
      position(0, 0, 4), // read 2, not 5
      position(0, 1, 2), // read 1, not 3: 4, read out of order after it, counts unread again
      position(1, 0, 0), // 1 was only marked read by a block: not a read
      position(1, 2, 2), // sent both, nothing to read
      position(2, 1, 0), // an empty chat
      position(2, 3, 0),
      position(3, 2, 2), // read everything
      position(3, 3, 2),
    ]);
  });

  it("ties the columns to the kind, and keeps one DIRECT chat per pair", async () => {
    await expect(
      db.sql.query(
        "INSERT INTO chats (id, kind, title, owner_id, user_a_id, user_b_id) VALUES (gen_random_uuid(), 'GROUP', 't', $1, $1, $2)",
        [U[0], U[1]],
      ),
    ).rejects.toThrow(/chats_kind_columns/);
    await expect(db.sql.query("INSERT INTO chats (id, kind) VALUES (gen_random_uuid(), 'GROUP')")).rejects.toThrow(
      /chats_kind_columns/,
    );
    await expect(
      db.sql.query("INSERT INTO chats (id, user_a_id, user_b_id) VALUES (gen_random_uuid(), $1, $2)", [U[1], U[0]]),
    ).rejects.toThrow(/chats_kind_columns/);
    await expect(
      db.sql.query("INSERT INTO chats (id, user_a_id, user_b_id) VALUES (gen_random_uuid(), $1, $2)", [U[0], U[1]]),
    ).rejects.toThrow(/unique|duplicate/i);
    await db.sql.query(
      "INSERT INTO chats (id, kind, title, owner_id) VALUES (gen_random_uuid(), 'GROUP', 'a', $1), (gen_random_uuid(), 'GROUP', 'b', $1)",
      [U[0]],
    );
  });
}

describe("migration 0006 with data, on PGlite", () => {
  migrationWithData(() => createDb({ dataDir: "memory://", migrate: false }));
});

describePostgres("migration 0006 with data, on PostgreSQL", () => {
  const createDatabase = useTestDatabases();
  migrationWithData(async () => {
    const { url } = await createDatabase("m0006");
    return createDb({ databaseUrl: url, dataDir: "memory://", migrate: false, poolSize: 2 });
  });
});
