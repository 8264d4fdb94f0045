import { expect, it } from "vitest";
import type { ConversationMessageFragment } from "../graphql/generated/graphql.ts";
import { lastSeen, mergePages, messagePreview, nextUnread, systemText } from "./format.ts";

const person = (id: string, nickname: string) => ({ id, username: nickname.toLowerCase(), nickname });
const base: ConversationMessageFragment = {
  id: "m1",
  chatId: "c1",
  chatKind: "GROUP",
  cursor: "1",
  kind: "TEXT",
  content: "hello",
  createdAt: "2026-12-01T10:00:00.000Z",
  deletedAt: null,
  senderBlockedByMe: false,
  attachments: [],
  sender: person("u2", "Bo"),
  system: null,
};

it("previews text, attachments, deleted and system messages", () => {
  expect(messagePreview(null, "DIRECT")).toBe("No messages yet");
  expect(messagePreview(base, "DIRECT", "u1")).toBe("hello");
  expect(messagePreview(base, "GROUP", "u1")).toBe("Bo: hello");
  expect(messagePreview(base, "GROUP", "u2")).toBe("You: hello");
  expect(messagePreview({ ...base, content: "", attachments: [{ id: "a" }] }, "DIRECT")).toBe("📎 attachment");
  expect(messagePreview({ ...base, content: "look", attachments: [{ id: "a" }] }, "DIRECT")).toBe("📎 look");
  expect(messagePreview({ ...base, deletedAt: "2026-12-01T10:01:00.000Z", content: "" }, "GROUP")).toBe(
    "Message deleted",
  );
  const system = {
    action: "MEMBERS_ADDED" as const,
    title: null,
    role: null,
    actor: person("u1", "Ana"),
    users: [person("u2", "Bo"), person("u3", "Cy")],
  };
  expect(messagePreview({ ...base, kind: "SYSTEM", content: "", system }, "GROUP", "u1")).toBe("You added Bo, Cy");
  expect(systemText({ ...system, action: "GROUP_CREATED", title: "Team" }, "u9")).toBe("Ana created the group “Team”");
  expect(systemText({ ...system, action: "ROLE_CHANGED", role: "ADMIN", users: [person("u9", "Me")] }, "u9")).toBe(
    "Ana made you an admin",
  );
});

it("says when someone was last seen", () => {
  const now = Date.parse("2026-12-01T12:00:00.000Z");
  expect(lastSeen(true, "2026-12-01T12:00:00.000Z", now)).toBe("online");
  expect(lastSeen(false, "2026-12-01T11:55:00.000Z", now)).toBe("last seen 5 min ago");
  expect(lastSeen(false, "2026-12-01T09:00:00.000Z", now)).toBe("last seen 3 h ago");
  expect(lastSeen(false, "2026-11-30T09:00:00.000Z", now)).toMatch(/^last seen (Yesterday|30 November)$/);
});

it("merges pages once per chat, newest first; finds the next unread", () => {
  const row = (id: string, activityAt: string, unreadCount = 0) => ({ id, activityAt, unreadCount });
  const merged = mergePages([[row("a", "3"), row("b", "2")], [row("b", "2"), row("c", "1", 2)], undefined]);
  expect(merged.map((r) => r.id)).toEqual(["a", "b", "c"]);
  expect(nextUnread(merged, "a")?.id).toBe("c");
  expect(nextUnread(merged, "c")).toBeUndefined();
  expect(nextUnread([row("a", "3", 1), ...merged.slice(1)], "c")?.id).toBe("a");
});
