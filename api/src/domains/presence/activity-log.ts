import type { Sql } from "@parley/db";

const PERSIST_CHUNK = 5000;

const PERSIST_LAST_ACTIVITY = `
UPDATE users u SET last_activity = v.at
FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, at timestamptz)
WHERE u.id = v.id AND u.last_activity < v.at`;

/**
 * Last activities seen by this instance and not yet in users.last_activity. Written in batches (a statement
 * per few thousand users), so a request or a message never costs a write of its own.
 */
export class ActivityLog {
  /** user id → last activity (epoch ms) not yet written */
  private readonly dirty = new Map<string, number>();

  constructor(private readonly sql: Sql) {}

  note(userId: string, at: number): void {
    if ((this.dirty.get(userId) ?? 0) < at) this.dirty.set(userId, at);
  }

  unsaved(userId: string): number | undefined {
    return this.dirty.get(userId);
  }

  /** Removes a user's pending entry, for a write of its own (going offline); returns the latest of both. */
  take(userId: string, at: number): number {
    const latest = Math.max(at, this.dirty.get(userId) ?? 0);
    this.dirty.delete(userId);
    return latest;
  }

  /** Writes every pending entry. */
  async flush(): Promise<void> {
    const entries = [...this.dirty];
    this.dirty.clear();
    await this.write(entries);
  }

  /** A crashed process writes nothing. */
  drop(): void {
    this.dirty.clear();
  }

  /** Writes `entries`; what could not be written is kept for the next flush. */
  async write(entries: [string, number][]): Promise<void> {
    for (let i = 0; i < entries.length; i += PERSIST_CHUNK) {
      const rows = entries.slice(i, i + PERSIST_CHUNK).map(([id, at]) => ({ id, at: new Date(at).toISOString() }));
      try {
        await this.sql.query(PERSIST_LAST_ACTIVITY, [JSON.stringify(rows)]);
      } catch (error) {
        for (const [userId, at] of entries.slice(i)) this.note(userId, at);
        throw error;
      }
    }
  }
}
