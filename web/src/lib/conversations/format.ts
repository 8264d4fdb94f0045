import type { CombinedError } from "@urql/core";
import type { ConversationMessageFragment, ConversationRowFragment } from "../graphql/generated/graphql.ts";
import { relativeTime } from "../ui/time.ts";

/** How the list (and the conversation) names people: their nickname, else their username. */
export const displayName = (user: { username: string; nickname?: string | null }) => user.nickname || user.username;

/** A row's title: the group's title, or the peer's name. */
export function conversationTitle(chat: Pick<ConversationRowFragment, "kind" | "title" | "peer">): string {
  if (chat.kind === "GROUP") return chat.title || "Group";
  return chat.peer ? displayName(chat.peer) : "Unknown user";
}

type Named = { id: string; username: string; nickname: string };
const names = (users: readonly Named[], viewerId?: string) =>
  users.map((u) => (u.id === viewerId ? "you" : displayName(u))).join(", ") || "someone";

/** A SYSTEM message as a sentence: "Ana added Bo, Cy". */
export function systemText(system: NonNullable<ConversationMessageFragment["system"]>, viewerId?: string): string {
  const actor = system.actor.id === viewerId ? "You" : displayName(system.actor);
  const users = names(system.users, viewerId);
  switch (system.action) {
    case "GROUP_CREATED":
      return `${actor} created the group${system.title ? ` “${system.title}”` : ""}`;
    case "GROUP_RENAMED":
      return `${actor} renamed the group${system.title ? ` to “${system.title}”` : ""}`;
    case "MEMBERS_ADDED":
      return `${actor} added ${users}`;
    case "MEMBER_LEFT":
      return `${actor} left`;
    case "MEMBER_REMOVED":
      return `${actor} removed ${users}`;
    case "MEMBER_BANNED":
      return `${actor} banned ${users}`;
    case "MEMBER_UNBANNED":
      return `${actor} unbanned ${users}`;
    case "OWNERSHIP_TRANSFERRED":
      return `${actor} made ${users} the owner`;
    case "ROLE_CHANGED":
      return `${actor} made ${users} ${system.role === "ADMIN" ? "an admin" : "a member"}`;
  }
}

/** The last message as one line of the list: text, "📎 attachment", a system change or "Message deleted". */
export function messagePreview(
  message: ConversationMessageFragment | null | undefined,
  chatKind: "DIRECT" | "GROUP",
  viewerId?: string,
): string {
  if (!message) return "No messages yet";
  if (message.deletedAt) return "Message deleted";
  if (message.kind === "SYSTEM") return message.system ? systemText(message.system, viewerId) : "Group changed";
  const files = message.attachments.length;
  const clip = files === 0 ? "" : files === 1 ? "📎 attachment" : `📎 ${files} attachments`;
  const text = message.content.trim() ? (clip ? `📎 ${message.content}` : message.content) : clip;
  const who = message.sender.id === viewerId ? "You" : chatKind === "GROUP" ? displayName(message.sender) : "";
  return who ? `${who}: ${text}` : text;
}

/** "online", "last seen 5 min ago", "last seen Yesterday"… from User.lastActivity (ui/time.ts wording). */
export function lastSeen(isOnline: boolean, lastActivity: string | null | undefined, now: number): string {
  if (isOnline) return "online";
  if (!lastActivity) return "offline";
  return `last seen ${relativeTime(lastActivity, now)}`;
}

/** The API's field errors (extensions.field) by field, and the rest as one message. */
export function fieldErrors(error: CombinedError | undefined): { fields: Record<string, string>; general?: string } {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  if (!error) return { fields };
  if (error.networkError) general.push("The server could not be reached. Try again.");
  for (const e of error.graphQLErrors) {
    const field = e.extensions.field;
    if (typeof field === "string" && !(field in fields)) fields[field] = e.message;
    else general.push(e.message);
  }
  return general.length > 0 ? { fields, general: general.join(" ") } : { fields };
}

/** Chats merged from their pages: one row per id (a chat that moved between pages shows once), newest first. */
export function mergePages<T extends { id: string; activityAt: string }>(
  pages: readonly (readonly T[] | undefined)[],
): T[] {
  const seen = new Set<string>();
  const rows: T[] = [];
  for (const page of pages) {
    for (const row of page ?? []) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      rows.push(row);
    }
  }
  return rows.sort((a, b) => (a.activityAt < b.activityAt ? 1 : a.activityAt > b.activityAt ? -1 : 0));
}

/** Alt+ArrowDown: the next chat with unread messages after `currentId` (wrapping), or undefined. */
export function nextUnread<T extends { id: string; unreadCount: number }>(
  rows: readonly T[],
  currentId?: string,
): T | undefined {
  const start = rows.findIndex((row) => row.id === currentId);
  for (let step = 1; step <= rows.length; step++) {
    const row = rows[(start + step + rows.length) % rows.length];
    if (row && row.unreadCount > 0 && row.id !== currentId) return row;
  }
  return undefined;
}
