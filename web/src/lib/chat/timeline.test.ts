import { describe, expect, it, vi } from "vitest";
import { isOneEmoji } from "./emoji.ts";
import { throttleLatest } from "./feed.ts";
import { unmatched } from "./pending.ts";
import { receiptText } from "./receipts.ts";
import { buildRows, canEdit, compareCursors, firstUnread, type PendingRow } from "./timeline.ts";

const at = (minute: number, day = 1) => new Date(2026, 11, day, 10, minute).toISOString();
const msg = (
  id: string,
  sender: string,
  minute: number,
  extra: Partial<{ kind: "TEXT" | "SYSTEM"; day: number }> = {},
) => ({
  id,
  cursor: id.slice(1),
  createdAt: at(minute, extra.day ?? 1),
  kind: extra.kind ?? ("TEXT" as const),
  sender: { id: sender },
  clientTimestamp: null,
});

describe("timeline", () => {
  it("compares cursors as numbers", () => {
    expect(compareCursors("9", "10")).toBeLessThan(0);
    expect(compareCursors("10", "10")).toBe(0);
    expect(compareCursors("100", "99")).toBeGreaterThan(0);
  });

  it("groups one sender's messages within 5 minutes, never across a day, the divider or a system message", () => {
    const messages = [
      msg("m1", "a", 0),
      msg("m2", "a", 2),
      msg("m3", "a", 9),
      msg("m4", "b", 10),
      msg("m5", "b", 11, { kind: "SYSTEM" }),
      msg("m6", "b", 12),
      msg("m7", "b", 13),
      msg("m8", "b", 14, { day: 2 }),
      msg("m9", "b", 15, { day: 2 }),
    ];
    const rows = buildRows(messages, "m9", [], new Date(2026, 11, 2, 12));
    const view = rows.map((row) =>
      row.type === "message"
        ? `${row.key}${row.grouped ? "+" : ""}${row.dateLabel ? "@" : ""}${row.unreadBefore ? "!" : ""}`
        : row.key,
    );
    expect(view).toEqual(["m1@", "m2+", "m3", "m4", "m5", "m6", "m7+", "m8@", "m9!"]);
    expect(rows[7]?.type === "message" && rows[7].dateLabel).toBe("Today");
  });

  it("puts pending sends last, with a date separator when they start a day", () => {
    const pending: PendingRow = {
      clientMessageId: "k1",
      chatId: "c",
      content: "hi",
      attachmentIds: [],
      createdAt: at(30, 3),
      state: "pending",
    };
    const rows = buildRows([msg("m1", "a", 0)], null, [pending]);
    expect(rows.map((row) => row.key)).toEqual(["m1", "pending:k1"]);
    expect(rows[1]?.dateLabel).not.toBeNull();
  });

  it("finds where the unread began by counting others' messages back from the newest", () => {
    const messages = [msg("m1", "b", 0), msg("m2", "me", 1), msg("m3", "b", 2), msg("m4", "b", 3)];
    expect(firstUnread(messages, "me", 2)).toEqual({ id: "m3", complete: true });
    expect(firstUnread(messages, "me", 3)).toEqual({ id: "m1", complete: true });
    expect(firstUnread(messages, "me", 4)).toEqual({ id: null, complete: false });
    expect(firstUnread(messages, "me", 0)).toEqual({ id: null, complete: true });
  });

  it("allows edits for 15 minutes", () => {
    const now = Date.parse("2026-12-01T10:00:00.000Z");
    expect(canEdit("2026-12-01T09:50:00.000Z", now)).toBe(true);
    expect(canEdit("2026-12-01T09:44:00.000Z", now)).toBe(false);
  });
});

describe("sends and receipts", () => {
  it("a pending send disappears once the server's message with its key (clientTimestamp) is there", () => {
    const pending: PendingRow[] = [
      { clientMessageId: "k1", chatId: "c", content: "a", attachmentIds: [], createdAt: at(0), state: "pending" },
      { clientMessageId: "k2", chatId: "c", content: "b", attachmentIds: [], createdAt: at(0), state: "failed" },
    ];
    expect(
      unmatched(pending, [{ clientTimestamp: "k1" }, { clientTimestamp: null }]).map((p) => p.clientMessageId),
    ).toEqual(["k2"]);
  });

  it("receipt texts", () => {
    const receipts = { deliveredCount: 2, readCount: 1 };
    expect(receiptText({ chatKind: "DIRECT", status: "SENT", receipts })).toBe("Sent");
    expect(receiptText({ chatKind: "DIRECT", status: "READ", receipts })).toBe("Read");
    expect(receiptText({ chatKind: "GROUP", status: "DELIVERED", receipts })).toBe("Delivered to 2, read by 1");
  });

  it("one emoji, as the API accepts it", () => {
    expect(isOneEmoji("👍")).toBe(true);
    expect(isOneEmoji("👍🏽")).toBe(true);
    expect(isOneEmoji("👨‍👩‍👧")).toBe(true);
    expect(isOneEmoji("🇫🇷")).toBe(true);
    expect(isOneEmoji("👍👍")).toBe(false);
    expect(isOneEmoji("a")).toBe(false);
    expect(isOneEmoji("")).toBe(false);
  });

  it("markDelivered is throttled per chat, sends the latest position and never goes back", () => {
    vi.useFakeTimers();
    const sent: [string, string][] = [];
    const ack = throttleLatest<string>(
      1_000,
      (key, value) => sent.push([key, value]),
      (a, b) => compareCursors(a, b) > 0,
    );
    ack("c1", "5");
    ack("c1", "6");
    ack("c1", "7");
    ack("c1", "3");
    ack("c2", "1");
    expect(sent).toEqual([
      ["c1", "5"],
      ["c2", "1"],
    ]);
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([
      ["c1", "5"],
      ["c2", "1"],
      ["c1", "7"],
    ]);
    vi.useRealTimers();
  });
});
