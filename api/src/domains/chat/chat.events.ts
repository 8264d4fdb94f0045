import type { EventBus } from "../../realtime/event-bus.ts";
import { inboxEvents, type KindSet, publishToInboxes } from "../../realtime/inbox.ts";
import type { AttachmentPayload } from "../media/media.service.ts";
import type { PublicUser } from "../users/users.service.ts";
import type { MessageDeletedEvent, MessageEditedEvent } from "./edits/edits.events.ts";
import type { ReactionCount, ReactionEvent } from "./reactions/reactions.events.ts";
import type { DeliveryEvent } from "./receipts/receipts.events.ts";
import { nobodyYet, type ReceiptSummary } from "./receipts/receipts.rules.ts";

export type ChatKindName = "DIRECT" | "GROUP";
export type MemberRoleName = "OWNER" | "ADMIN" | "MEMBER";

export type SystemAction =
  | "GROUP_CREATED"
  | "GROUP_RENAMED"
  | "MEMBERS_ADDED"
  | "MEMBER_REMOVED"
  | "MEMBER_LEFT"
  | "MEMBER_BANNED"
  | "MEMBER_UNBANNED"
  | "ROLE_CHANGED"
  | "OWNERSHIP_TRANSFERRED";

/** A SYSTEM message's record of a group change: who (`actor`) did what (`action`) to whom (`users`). */
export interface SystemChange {
  action: SystemAction;
  /** profiles as they were at the change */
  actor: PublicUser;
  users: PublicUser[];
  /** GROUP_CREATED, GROUP_RENAMED: the new title */
  title: string | null;
  /** ROLE_CHANGED: the new role */
  role: MemberRoleName | null;
}

/**
 * A message as the Message type resolves it, from an event or from a query: everything a receiver renders,
 * so delivery needs no query.
 */
export interface MessagePayload {
  id: string;
  chatId: string;
  chatKind: ChatKindName;
  seq: number;
  kind: "TEXT" | "SYSTEM";
  system: SystemChange | null;
  senderId: string;
  sender: PublicUser;
  content: string;
  clientTimestamp: string | null;
  createdAt: string;
  /** derived from read positions by queries (read-state.ts); false in MESSAGE_SENT: nobody has read it yet */
  isRead: boolean;
  /** the viewer blocked the sender: set by queries; for events the Message type loads it (one batch per event) */
  senderBlockedByMe?: boolean;
  /** someone other than the sender reacted ❤️ (reactions/liked.ts) */
  isLiked: boolean;
  /** set in MESSAGE_SENT (so delivery costs no query); queries leave it out and the Message type batches it */
  attachments?: AttachmentPayload[];
  editedAt: string | null;
  /** a tombstone: content emptied, reactions gone */
  deletedAt: string | null;
  /** the reactions as the payload's one viewer sees them, when known (none on a new message); else loaded */
  reactions?: ReactionCount[];
  /** delivery and read counts and status, when known (nobody yet, on a new message); else loaded */
  receipts?: ReceiptSummary;
}

/** What a message just stored starts as: nobody read, liked, edited or reacted to it yet (events carry it). */
export function newMessageState(): Pick<
  MessagePayload,
  "isRead" | "isLiked" | "editedAt" | "deletedAt" | "reactions" | "receipts"
> {
  return { isRead: false, isLiked: false, editedAt: null, deletedAt: null, reactions: [], receipts: nobodyYet() };
}

export type ChatEvent =
  | { kind: "MESSAGE_SENT"; at: string; chatId: string; message: MessagePayload }
  | { kind: "MESSAGE_LIKED"; at: string; chatId: string; messageId: string; liked: boolean; byUserId: string }
  | { kind: "MESSAGE_READ"; at: string; chatId: string; messageId: string; byUserId: string }
  | { kind: "CHAT_READ"; at: string; chatId: string; byUserId: string; seq: number }
  | { kind: "TYPING"; at: string; chatId: string; user: PublicUser }
  | {
      kind: "GROUP_CHANGED";
      at: string;
      chatId: string;
      /** the SYSTEM message the change left in the history */
      message: MessagePayload;
      /** the title after the change */
      title: string;
      /** members the change took out (removed, banned, left): they receive this event, then no more */
      removedUserIds: string[];
    }
  | { kind: "GROUP_DELETED"; at: string; chatId: string; byUserId: string }
  | ReactionEvent
  | MessageEditedEvent
  | MessageDeletedEvent
  | DeliveryEvent;

const CHAT_KINDS: KindSet<ChatEvent> = {
  MESSAGE_SENT: true,
  MESSAGE_LIKED: true,
  MESSAGE_READ: true,
  CHAT_READ: true,
  TYPING: true,
  GROUP_CHANGED: true,
  GROUP_DELETED: true,
  MESSAGE_REACTION: true,
  MESSAGE_EDITED: true,
  MESSAGE_DELETED: true,
  DELIVERY: true,
};

/** To each member's inbox (every socket of theirs). Never throws: failures are logged. */
export function publishChatEvent(bus: EventBus, userIds: readonly string[], event: ChatEvent) {
  return publishToInboxes(bus, userIds, event);
}

/** The chat events of every chat of the viewer's. */
export function chatEventsOf(bus: EventBus, viewerId: string) {
  return inboxEvents(bus, viewerId, CHAT_KINDS);
}
