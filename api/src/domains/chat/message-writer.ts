import type { Sql } from "@parley/db";
import { UnavailableError } from "../../infra/unavailable.ts";
import { directBlockedSql } from "./chat.blocking.ts";
import type { ChatKindName } from "./chat.events.ts";
import { memberSql } from "./chat.members.ts";

export interface NewMessage {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  clientTimestamp: string | null;
  /** the sender's idempotency key: a message with the same (sender, key) is never stored twice */
  clientMessageId: string | null;
}

export interface WrittenMessage {
  id: string;
  chatId: string;
  seq: number;
  createdAt: Date;
  chatKind: ChatKindName;
  /** the chat's members when the message was stored: who it is delivered to */
  memberIds: string[];
  sender: { id: string; username: string; nickname: string; avatar: string | null; elo: number };
}

export interface WriterLimits {
  /** messages per statement */
  maxBatch: number;
  /** statements at once (never more than the connection pool can run) */
  maxInFlight: number;
  /** sends waiting for a batch; one more is refused at once */
  maxQueue: number;
  /** how long a send may wait for a batch before it is refused */
  queueTimeoutMs: number;
}

/**
 * 4 batches in flight hide a round trip and keep batches large. 5,000 waiting sends are about 10 s of a full
 * writer at its measured rate; past 5 s of waiting a client is better told to retry than left hanging.
 */
export const WRITER_DEFAULTS: WriterLimits = { maxBatch: 500, maxInFlight: 4, maxQueue: 5000, queueTimeoutMs: 5000 };

/** For a metrics module: called after each statement, with its size, rows stored, outcome and duration. */
export type BatchObserver = (batch: { size: number; stored: number; ok: boolean; ms: number }) => void;

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock, serialization failure
const MAX_ATTEMPTS = 3;

interface Pending {
  message: NewMessage;
  resolve: (row: WrittenMessage | null) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Group commit for sendMessage: sends that arrive while batches are being written join the next batch,
 * which is one SQL statement. It inserts only messages whose sender is a member of the chat, unless a block
 * separates a DIRECT chat's pair, and bumps each chat's `last_seq` under its row lock, so seq order is commit order
 * (what `after:` catch-up relies on). A refused message resolves to null; the caller explains why.
 *
 * Bounded: at most `maxInFlight` statements run at once, whatever fails; at most `maxQueue` sends wait, each
 * at most `queueTimeoutMs`, and are then refused with UnavailableError. A data error (SQLSTATE class 22/23: one
 * message's fault) splits the batch in halves, written one after the other in the same slot, until the bad
 * message fails alone; any other failure (connection lost, database down) fails the whole batch at once.
 */
export class MessageWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly limits: WriterLimits;

  constructor(
    private readonly sql: Sql,
    limits: Partial<WriterLimits> = {},
    private readonly observe: BatchObserver = () => {},
  ) {
    const merged = { ...WRITER_DEFAULTS, ...limits };
    // On a single connection (PGlite) a second batch would only wait, and make batches smaller.
    this.limits = { ...merged, maxInFlight: Math.min(merged.maxInFlight, sql.parallelism) };
  }

  /** Sends waiting for a batch. */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** Statements running now. */
  get statementsInFlight(): number {
    return this.inFlight;
  }

  write(message: NewMessage): Promise<WrittenMessage | null> {
    if (this.queue.length >= this.limits.maxQueue) {
      return Promise.reject(new UnavailableError("Too many messages are waiting to be stored; try again shortly."));
    }
    return new Promise((resolve, reject) => {
      const entry: Pending = { message, resolve, reject, timer: undefined };
      entry.timer = setTimeout(() => this.expire(entry), this.limits.queueTimeoutMs);
      this.queue.push(entry);
      this.pump();
    });
  }

  private expire(entry: Pending): void {
    const index = this.queue.indexOf(entry);
    if (index < 0) return; // already in a batch: its statement decides
    this.queue.splice(index, 1);
    entry.reject(new UnavailableError("The message could not be stored in time; try again shortly."));
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.limits.maxBatch);
      for (const entry of batch) clearTimeout(entry.timer);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Writes `batch` in this slot: halves of a batch with a data error follow one another, never side by side. */
  private async flush(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.insertWithRetry(batch.map((entry) => entry.message));
      const byId = new Map(rows.map((row) => [row.id, row]));
      const membersOf = new Map<string, string[]>();
      for (const row of rows) if (row.memberIds) membersOf.set(row.chatId, row.memberIds);
      for (const entry of batch) {
        const row = byId.get(entry.message.id);
        entry.resolve(row ? { ...row, memberIds: membersOf.get(row.chatId) ?? [] } : null);
      }
    } catch (error) {
      if (isDataError(error) && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.flush(batch.slice(0, half));
        await this.flush(batch.slice(half));
        return;
      }
      const failure = isOutage(error) ? outage(error) : error;
      for (const entry of batch) entry.reject(failure);
    }
  }

  private async insertWithRetry(messages: NewMessage[]): Promise<StoredRow[]> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const rows = await this.sql.prepared<StoredRow>("insert-message-batch", INSERT_BATCH, [
          JSON.stringify(messages.map(toRow)),
        ]);
        this.observe({ size: messages.length, stored: rows.length, ok: true, ms: performance.now() - started });
        return rows;
      } catch (error) {
        this.observe({ size: messages.length, stored: 0, ok: false, ms: performance.now() - started });
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(error) ?? "")) throw error;
      }
    }
  }
}

/** A statement's row: the member list comes once per chat of the batch (null on its other rows), not per message. */
interface StoredRow extends Omit<WrittenMessage, "memberIds"> {
  memberIds: string[] | null;
}

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Class 22 (data exception) or 23 (integrity constraint): caused by a row, so other rows can still be written. */
const isDataError = (error: unknown) => /^2[23]/.test(sqlState(error) ?? "");

/** No answer from PostgreSQL (a driver error without SQLSTATE), or class 08 connection, 53 resources, 57 shutdown. */
const isOutage = (error: unknown) => /^(08|53|57)/.test(sqlState(error) ?? "08");

const outage = (cause: unknown) =>
  new UnavailableError("Messages cannot be stored right now; try again shortly.", { cause });

const toRow = (m: NewMessage, ord: number) => ({
  ord,
  id: m.id,
  chat_id: m.chatId,
  sender_id: m.senderId,
  content: m.content,
  client_timestamp: m.clientTimestamp,
  client_message_id: m.clientMessageId,
});

const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(ord int, id uuid, chat_id uuid, sender_id uuid, content text,
    client_timestamp text, client_message_id text)
), fresh AS (
  -- a repeated client_message_id is not stored again: neither twice in this batch nor once more after a commit
  SELECT DISTINCT ON (i.sender_id, coalesce(i.client_message_id, i.id::text)) i.* FROM input i
  WHERE i.client_message_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM messages m WHERE m.sender_id = i.sender_id AND m.client_message_id = i.client_message_id
  )
  ORDER BY i.sender_id, coalesce(i.client_message_id, i.id::text), i.ord
), allowed AS (
  SELECT i.* FROM fresh i
  JOIN chats c ON c.id = i.chat_id AND ${memberSql("c", "i.sender_id")}
  WHERE NOT ${directBlockedSql("c")}
), locked AS (
  -- lock chat rows in id order, so concurrent batches cannot deadlock
  SELECT id FROM chats WHERE id IN (SELECT chat_id FROM allowed) ORDER BY id FOR UPDATE
), bumped AS (
  UPDATE chats c SET last_seq = c.last_seq + a.total, activity_at = now()
  FROM (SELECT chat_id, count(*)::int AS total FROM allowed GROUP BY chat_id) a, locked l
  WHERE c.id = a.chat_id AND l.id = a.chat_id
  RETURNING c.id, c.last_seq, a.total, c.kind,
    (SELECT json_agg(m.user_id) FROM chat_members m WHERE m.chat_id = c.id) AS members
), inserted AS (
  INSERT INTO messages (id, chat_id, seq, sender_id, content, client_timestamp, client_message_id, created_at)
  SELECT a.id, a.chat_id, b.last_seq - b.total + row_number() OVER (PARTITION BY a.chat_id ORDER BY a.ord),
         a.sender_id, a.content, a.client_timestamp, a.client_message_id, now()
  FROM allowed a JOIN bumped b ON b.id = a.chat_id
  RETURNING id, chat_id, seq, sender_id, created_at
)
SELECT ins.id, ins.chat_id AS "chatId", ins.seq, ins.created_at AS "createdAt", b.kind::text AS "chatKind",
       CASE WHEN row_number() OVER (PARTITION BY ins.chat_id ORDER BY ins.seq) = 1 THEN b.members END AS "memberIds",
       json_build_object('id', u.id, 'username', u.username, 'nickname', u.nickname, 'avatar', u.avatar,
                         'elo', u.elo) AS sender
FROM inserted ins JOIN bumped b ON b.id = ins.chat_id JOIN users u ON u.id = ins.sender_id`;
