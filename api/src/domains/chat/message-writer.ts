import type { Sql } from "@parley/db";

export interface NewMessage {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  clientTimestamp: string | null;
}

export interface WrittenMessage {
  id: string;
  seq: number;
  createdAt: Date;
  userAId: string;
  userBId: string;
  sender: { id: string; username: string; nickname: string; avatar: string | null; elo: number };
}

const MAX_BATCH = 500;
/** Batches written concurrently: enough to hide a round trip, few enough to keep batches large. */
const MAX_IN_FLIGHT = 4;
const RETRYABLE = new Set(["40P01", "40001"]); // deadlock, serialization failure

interface Pending {
  message: NewMessage;
  resolve: (row: WrittenMessage | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for sendMessage: sends that arrive while batches are being written join the next batch,
 * which is one SQL statement. It inserts only messages whose sender is a participant of a chat that no
 * block separates, and bumps each chat's `last_seq` under its row lock, so seq order is commit order
 * (what `after:` catch-up relies on). A rejected message resolves to null; the caller explains why.
 */
export class MessageWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly sql: Sql) {
    // On a single connection (PGlite) a second batch would only wait, and make batches smaller.
    this.maxInFlight = Math.min(MAX_IN_FLIGHT, sql.parallelism);
  }

  write(message: NewMessage): Promise<WrittenMessage | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.insertWithRetry(batch.map((entry) => entry.message));
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const entry of batch) entry.resolve(byId.get(entry.message.id) ?? null);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One bad message must not fail everyone else's: retry them one by one.
      await Promise.all(batch.map((entry) => this.flush([entry])));
    }
  }

  private async insertWithRetry(messages: NewMessage[], attempt = 1): Promise<WrittenMessage[]> {
    try {
      return await this.sql.query<WrittenMessage>(INSERT_BATCH, [JSON.stringify(messages.map(toRow))]);
    } catch (error) {
      if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? "")) {
        return this.insertWithRetry(messages, attempt + 1);
      }
      throw error;
    }
  }
}

const toRow = (m: NewMessage, ord: number) => ({
  ord,
  id: m.id,
  chat_id: m.chatId,
  sender_id: m.senderId,
  content: m.content,
  client_timestamp: m.clientTimestamp,
});

const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS i(ord int, id uuid, chat_id uuid, sender_id uuid, content text, client_timestamp text)
), allowed AS (
  SELECT i.* FROM input i
  JOIN chats c ON c.id = i.chat_id AND i.sender_id IN (c.user_a_id, c.user_b_id)
  WHERE NOT EXISTS (
    SELECT 1 FROM blocks b
    WHERE (b.blocker_id = c.user_a_id AND b.blocked_id = c.user_b_id)
       OR (b.blocker_id = c.user_b_id AND b.blocked_id = c.user_a_id)
  )
), locked AS (
  -- lock chat rows in id order, so concurrent batches cannot deadlock
  SELECT id FROM chats WHERE id IN (SELECT chat_id FROM allowed) ORDER BY id FOR UPDATE
), bumped AS (
  UPDATE chats c SET last_seq = c.last_seq + a.total, activity_at = now()
  FROM (SELECT chat_id, count(*)::int AS total FROM allowed GROUP BY chat_id) a, locked l
  WHERE c.id = a.chat_id AND l.id = a.chat_id
  RETURNING c.id, c.last_seq, a.total, c.user_a_id, c.user_b_id
), inserted AS (
  INSERT INTO messages (id, chat_id, seq, sender_id, content, client_timestamp, created_at)
  SELECT a.id, a.chat_id, b.last_seq - b.total + row_number() OVER (PARTITION BY a.chat_id ORDER BY a.ord),
         a.sender_id, a.content, a.client_timestamp, now()
  FROM allowed a JOIN bumped b ON b.id = a.chat_id
  RETURNING id, chat_id, seq, sender_id, created_at
)
SELECT ins.id, ins.seq, ins.created_at AS "createdAt", b.user_a_id AS "userAId", b.user_b_id AS "userBId",
       json_build_object('id', u.id, 'username', u.username, 'nickname', u.nickname, 'avatar', u.avatar,
                         'elo', u.elo) AS sender
FROM inserted ins JOIN bumped b ON b.id = ins.chat_id JOIN users u ON u.id = ins.sender_id`;
