import type { Message } from "@parley/db";
import type { EventBus } from "../../realtime/event-bus.ts";
import { inboxEvents, type KindSet, publishToInboxes } from "../../realtime/inbox.ts";
import type { PublicUser } from "../users/users.service.ts";
import type { MessageDeletedEvent, MessageEditedEvent } from "./edits/edits.events.ts";
import { isLikedBy } from "./reactions/liked.ts";
import type { ReactionCount, ReactionEvent } from "./reactions/reactions.events.ts";

/**
 * A message as the Message type resolves it, from an event or from a query: everything a receiver renders,
 * so delivery needs no query.
 */
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
  editedAt: string | null;
  /** a tombstone: content emptied, reactions gone */
  deletedAt: string | null;
  /** the reactions as the payload's one viewer sees them, when known (none on a new message); else loaded */
  reactions?: ReactionCount[];
}

export type ChatEvent =
  | { kind: "MESSAGE_SENT"; at: string; chatId: string; message: MessagePayload }
  | { kind: "MESSAGE_LIKED"; at: string; chatId: string; messageId: string; liked: boolean; byUserId: string }
  | { kind: "MESSAGE_READ"; at: string; chatId: string; messageId: string; byUserId: string }
  | { kind: "TYPING"; at: string; chatId: string; user: PublicUser }
  | ReactionEvent
  | MessageEditedEvent
  | MessageDeletedEvent;

const CHAT_KINDS: KindSet<ChatEvent> = {
  MESSAGE_SENT: true,
  MESSAGE_LIKED: true,
  MESSAGE_READ: true,
  TYPING: true,
  MESSAGE_REACTION: true,
  MESSAGE_EDITED: true,
  MESSAGE_DELETED: true,
};

/** To each participant's inbox (every socket of theirs). Never throws: failures are logged. */
export function publishChatEvent(bus: EventBus, userIds: readonly string[], event: ChatEvent) {
  return publishToInboxes(bus, userIds, event);
}

/** The chat events of every chat of the viewer's. */
export function chatEventsOf(bus: EventBus, viewerId: string) {
  return inboxEvents(bus, viewerId, CHAT_KINDS);
}

/** A stored message with what its payload needs (ChatService's message include). */
export type MessageRow = Message & { sender: PublicUser; reactions: { userId: string }[] };

export function toMessagePayload(row: MessageRow): MessagePayload {
  return {
    id: row.id,
    chatId: row.chatId,
    seq: row.seq,
    senderId: row.senderId,
    sender: row.sender,
    content: row.content,
    clientTimestamp: row.clientTimestamp,
    createdAt: row.createdAt.toISOString(),
    isRead: row.isRead,
    isReallyRead: row.isReallyRead,
    isLiked: isLikedBy(
      row.senderId,
      row.reactions.map((reaction) => reaction.userId),
    ),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
