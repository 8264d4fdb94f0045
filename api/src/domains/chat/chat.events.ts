import type { PublicUser } from "../users/users.service.ts";

/** A message as carried in events: everything a receiver renders, so delivery needs no query. */
export interface MessagePayload {
  id: string;
  chatId: string;
  seq: number;
  senderId: string;
  sender: PublicUser;
  content: string;
  clientTimestamp: string | null;
  createdAt: string;
  isRead: boolean;
  isReallyRead: boolean;
  isLiked: boolean;
}

export type ChatEvent =
  | { kind: "MESSAGE_SENT"; at: string; chatId: string; message: MessagePayload }
  | { kind: "MESSAGE_LIKED"; at: string; chatId: string; messageId: string; liked: boolean; byUserId: string }
  | { kind: "MESSAGE_READ"; at: string; chatId: string; messageId: string; byUserId: string }
  | { kind: "TYPING"; at: string; chatId: string; user: PublicUser };

export const CHAT_EVENT_KINDS: ReadonlySet<string> = new Set<ChatEvent["kind"]>([
  "MESSAGE_SENT",
  "MESSAGE_LIKED",
  "MESSAGE_READ",
  "TYPING",
]);
