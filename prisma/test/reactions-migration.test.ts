// Migration 0007 on a database holding data: every legacy like (messages.is_liked) becomes the receiver's
// "❤️" reaction, nothing else is touched, and the is_liked column is gone.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/create-db.ts";
import { MIGRATIONS_DIR, migrate, readMigrations } from "../src/migrate.ts";
import { describePostgres, useTestDatabases } from "./support/postgres.ts";

const REACTIONS = "0007_reactions_edits";
const HEART = "\u2764\uFE0F";

/** The migrations before 0007, alone in a directory. */
async function migrationsBefore(dir: string): Promise<void> {
  for (const { name } of await readMigrations()) {
    if (name >= REACTIONS) continue;
    await cp(join(MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  }
}

const ALICE = "00000000-0000-4000-8000-00000000000a";
const BOB = "00000000-0000-4000-8000-00000000000b";
const CHAT = "00000000-0000-4000-8000-0000000000c1";

/** Alice and Bob's chat: each liked one message of the other's, one message of each stayed unliked. */
const SEED = `
  INSERT INTO users (id, username, username_key, email, nickname, nickname_key, password_hash) VALUES
    ('${ALICE}', 'alice', 'alice', 'alice@example.com', 'alice', 'alice', 'x'),
    ('${BOB}', 'bob', 'bob', 'bob@example.com', 'bob', 'bob', 'x');
  INSERT INTO chats (id, user_a_id, user_b_id, last_seq) VALUES ('${CHAT}', '${ALICE}', '${BOB}', 4);
  INSERT INTO chat_members (chat_id, user_id) VALUES ('${CHAT}', '${ALICE}'), ('${CHAT}', '${BOB}');
  INSERT INTO messages (id, chat_id, seq, sender_id, content, is_liked) VALUES
    ('00000000-0000-4000-8000-000000000001', '${CHAT}', 1, '${ALICE}', 'liked by bob', true),
    ('00000000-0000-4000-8000-000000000002', '${CHAT}', 2, '${BOB}', 'liked by alice', true),
    ('00000000-0000-4000-8000-000000000003', '${CHAT}', 3, '${ALICE}', 'not liked', false),
    ('00000000-0000-4000-8000-000000000004', '${CHAT}', 4, '${BOB}', 'not liked either', false);`;

function migratesLikes(open: () => Promise<Db>): void {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "parley-0007-"));
    db = await open();
  });
  afterEach(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("turns each like into the receiver's ❤️ and drops is_liked", async () => {
    await migrationsBefore(dir);
    await migrate(db.sql, dir);
    await db.sql.transaction((tx) => tx.exec(SEED));
    expect(await migrate(db.sql)).toContain(REACTIONS);

    const reactions = await db.sql.query<{ content: string; user_id: string; emoji: string }>(
      `SELECT m.content, r.user_id, r.emoji FROM message_reactions r JOIN messages m ON m.id = r.message_id
       ORDER BY m.seq`,
    );
    expect(reactions).toEqual([
      { content: "liked by bob", user_id: BOB, emoji: HEART },
      { content: "liked by alice", user_id: ALICE, emoji: HEART },
    ]);
    const messages = await db.sql.query<{ content: string }>("SELECT content FROM messages ORDER BY seq");
    expect(messages.map((row) => row.content)).toEqual([
      "liked by bob",
      "liked by alice",
      "not liked",
      "not liked either",
    ]);
    const [column] = await db.sql.query<{ found: boolean }>(
      `SELECT count(*) > 0 AS found FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'is_liked'`,
    );
    expect(column?.found).toBe(false);
  });
}

describe("0007 on PGlite", () => {
  migratesLikes(() => createDb({ dataDir: "memory://", migrate: false }));
});

describePostgres("0007 on PostgreSQL", () => {
  const database = useTestDatabases();
  migratesLikes(async () => createDb({ databaseUrl: (await database("likes")).url, dataDir: "", migrate: false }));
});
