// kill -9 one of two real instances (child processes on one PostgreSQL + Redis) while messages flow: every
// client on it reconnects to the other and catches up by cursor. 0 lost, 0 duplicated, none twice in the store.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, gql, openChat, SEND, signUp, type TestDatabase, type TestUser } from "../harness.ts";
import { clearKeys, testKeyPrefix } from "../presence.helpers.ts";
import { ChatClient } from "./chat-client.ts";
import { type ChildInstance, spawnInstance } from "./instance.ts";

const CHATS = 8;
const PER_CHAT = 40;
const KILL_AFTER = 12; // messages sent in each chat before the kill

const prefix = testKeyPrefix();
let database: TestDatabase;
let victim: ChildInstance;
let survivor: ChildInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url as string,
    REDIS_URL: process.env.REDIS_URL as string,
    REDIS_KEY_PREFIX: prefix,
  };
  [victim, survivor] = await Promise.all([spawnInstance(env), spawnInstance(env)]);
}, 60_000);
afterAll(async () => {
  await victim?.kill9();
  await survivor?.stop();
  await database?.drop();
  await clearKeys(prefix);
});

interface Conversation {
  sender: TestUser;
  receiver: ChatClient;
  chatId: string;
  acked: string[];
  /** sends whose instance died before answering: stored or not, never twice */
  unknown: string[];
}

async function storedMessages(chatId: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; seq: string; content: string }>(
      "SELECT id, seq::text, content FROM messages WHERE chat_id = $1 ORDER BY messages.seq",
      [chatId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

it("kill -9 of one instance under load: clients reconnect to the other and catch up, 0 lost, 0 duplicated", async () => {
  const conversations: Conversation[] = [];
  for (let i = 0; i < CHATS; i++) {
    const [sender, receiver] = [await signUp(survivor), await signUp(survivor)];
    const chatId = await openChat(survivor, sender, receiver.username);
    const first = await gql(survivor, SEND, { c: chatId, t: `${i}:start` }, sender);
    const client = new ChatClient(receiver, chatId, first.data?.sendMessage.cursor);
    conversations.push({ sender, receiver: client, chatId, acked: [first.data?.sendMessage.id], unknown: [] });
  }
  // Every receiver starts on the victim; when its socket dies it moves to the survivor and catches up.
  const moved: Promise<void>[] = [];
  await Promise.all(
    conversations.map(({ receiver }) =>
      receiver.connect(victim, () => {
        receiver.reconnects++;
        moved.push(receiver.connect(survivor, () => {}));
      }),
    ),
  );

  let victimAlive = true;
  let sentBeforeKill = 0;
  const killed = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (sentBeforeKill < CHATS * KILL_AFTER) return;
      clearInterval(check);
      victimAlive = false;
      void victim.kill9().then(() => resolve());
    }, 5);
  });
  // Each sender alternates between the instances while both live, so the victim dies mid-request too.
  await Promise.all(
    conversations.map(async (conversation, c) => {
      for (let n = 0; n < PER_CHAT; n++) {
        const viaVictim = victimAlive && n % 2 === 0;
        const content = `${c}:${n}`;
        try {
          const result = await gql(
            viaVictim ? victim : survivor,
            SEND,
            { c: conversation.chatId, t: content },
            conversation.sender,
          );
          expect(result.errors).toBeUndefined();
          conversation.acked.push(result.data?.sendMessage.id);
        } catch (error) {
          if (!viaVictim) throw error; // the survivor always answers
          conversation.unknown.push(content);
        }
        if (victimAlive) sentBeforeKill++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  await killed;
  expect(await victim.exited).toBe("SIGKILL");
  await Promise.all(moved);

  for (const { receiver, chatId, acked, unknown } of conversations) {
    const stored = await storedMessages(chatId);
    await expect.poll(() => receiver.lastCursor, { timeout: 15_000 }).toBe(Number(stored.at(-1)?.seq));
    expect(receiver.reconnects).toBe(1);
    // The store: every acknowledged send once; an unanswered one at most once; nothing else.
    const storedIds = stored.map((row) => row.id);
    expect(new Set(storedIds).size).toBe(stored.length);
    for (const id of acked) expect(storedIds).toContain(id);
    const extra = stored.filter((row) => !acked.includes(row.id));
    for (const row of extra) expect(unknown).toContain(row.content);
    expect(new Set(stored.map((row) => row.content)).size).toBe(stored.length);
    // The client: exactly what is stored, in order, each once (0 lost, 0 duplicated).
    expect(receiver.applied.map((message) => message.id)).toEqual(storedIds.slice(1)); // all after "start"
    expect(receiver.duplicatesOnAStream).toBe(0);
    expect(receiver.gaps).toBe(0);
  }
  const total = conversations.reduce((sum, { acked }) => sum + acked.length, 0);
  expect(total).toBeGreaterThan(CHATS * PER_CHAT * 0.9);
  await Promise.all(conversations.map(({ receiver }) => receiver.close()));
}, 90_000);
