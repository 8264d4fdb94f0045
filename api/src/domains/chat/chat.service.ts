import { randomUUID } from "node:crypto";
import type { Chat, PrismaClient, Sql } from "@parley/db";
import DataLoader from "dataloader";
import { badInput, conflict, forbidden, notFound } from "../../graphql/errors.ts";
import { processWide } from "../../graphql/loaders.ts";
import type { PageWindow } from "../../graphql/pagination.ts";
import { isUniqueViolation } from "../../infra/db-errors.ts";
import type { RateLimits } from "../../infra/rate-limit.ts";
import { isUuid, storableText, textProblem } from "../../infra/validation.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import type { AttachmentPayload } from "../media/media.service.ts";
import type { ActivitySink } from "../presence/presence.service.ts";
import { eitherBlocked } from "../users/blocks.ts";
import type { UsersService } from "../users/users.service.ts";
import { publicUserSelect } from "../users/users.service.ts";
import {
  type ChatEvent,
  type ChatKindName,
  type MessagePayload,
  newMessageState,
  publishChatEvent,
} from "./chat.events.ts";
import { chatPair, isMember, memberWhere, myMembership } from "./chat.members.ts";
import { loadMessagePages, type PageRequest } from "./message-pages.ts";
import { type BatchObserver, MessageWriter, type WriterLimits } from "./message-writer.ts";
import { type ChatStats, loadChatStats, loadUnreadTotals, type StatsRequest, type UnreadTotals } from "./read-state.ts";
export const MAX_MESSAGE_LENGTH = 255;
export const MAX_CLIENT_TIMESTAMP_LENGTH = 64;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 64;
const CONTENT_TEXT = storableText({ min: 0, max: MAX_MESSAGE_LENGTH });
const CLIENT_TIMESTAMP_TEXT = storableText({ min: 0, max: MAX_CLIENT_TIMESTAMP_LENGTH });
const CLIENT_MESSAGE_ID_TEXT = storableText({ max: MAX_CLIENT_MESSAGE_ID_LENGTH, noControls: true });

export interface SendMessageInput {
  chatId: string;
  content: string;
  clientTimestamp?: string | null;
  /** idempotency key, unique per sender: a repeat returns the stored message and publishes nothing */
  clientMessageId?: string | null;
  /** completed uploads of the sender's for this chat (domains/media); with some, content may be empty */
  attachmentIds?: readonly string[] | null;
}

/** Attaching uploads to a message (domains/media): claimed before it is stored, released if it is refused. */
export interface AttachmentClaims {
  claim(viewerId: string, chatId: string, messageId: string, ids: readonly string[]): Promise<AttachmentPayload[]>;
  release(messageId: string): Promise<void>;
}

export interface MessageQuery {
  first: number;
  /** older than this cursor, newest first */
  before?: string | null;
  /** newer than this cursor, oldest first: catch-up after a reconnect */
  after?: string | null;
  offset?: number | null;
}

type ChatRow = Pick<Chat, "id" | "kind" | "userAId" | "userBId">;

/** Conversations and their messages, DIRECT and GROUP alike: every chat rule lives here, once. */
export class ChatService {
  private readonly writer: MessageWriter;
  /** Pages, counts and unread totals of many chats (a chat list), one query per batch across the process. */
  private readonly pages: DataLoader<PageRequest, MessagePayload[]>;
  private readonly stats: DataLoader<StatsRequest, ChatStats>;
  private readonly unreadTotals: DataLoader<string, UnreadTotals>;

  constructor(
    private readonly prisma: PrismaClient,
    sql: Sql,
    private readonly bus: EventBus,
    private readonly users: UsersService,
    private readonly limits: RateLimits,
    /** sending and liking keep a user online (protocol §7) */
    private readonly presence: ActivitySink,
    private readonly attachments: AttachmentClaims,
    writer: { limits?: Partial<WriterLimits>; observe?: BatchObserver } = {},
  ) {
    this.writer = new MessageWriter(sql, writer.limits, writer.observe);
    this.pages = new DataLoader((requests) => loadMessagePages(prisma, requests), processWide());
    this.stats = new DataLoader((requests) => loadChatStats(prisma, requests), processWide());
    this.unreadTotals = new DataLoader((viewerIds) => loadUnreadTotals(prisma, viewerIds), processWide());
  }

  /** Gets or creates the DIRECT chat with `username`; blocks do not prevent it (flags tell the client). */
  async openChat(viewerId: string, username: string): Promise<{ chat: Chat; created: boolean }> {
    const peer = await this.users.requireByUsername(username);
    if (peer.id === viewerId) throw badInput("You can't chat with yourself.", "username");
    const pair = chatPair(viewerId, peer.id);
    // a concurrent open of the same pair waits on the unique index, then finds this chat with its members
    const inserted = await this.prisma.$transaction(async (tx) => {
      const [chat] = await tx.chat.createManyAndReturn({ data: [pair], skipDuplicates: true });
      if (chat) {
        await tx.chatMember.createMany({
          data: [pair.userAId, pair.userBId].map((userId) => ({ chatId: chat.id, userId })),
        });
      }
      return chat;
    });
    const chat = inserted ?? (await this.prisma.chat.findUniqueOrThrow({ where: { userAId_userBId: pair } }));
    return { chat, created: inserted !== undefined };
  }

  /** `query`: the GraphQL selection (Pothos), so fields such as peer and unreadCount are loaded with the chat. */
  async chatWith(viewerId: string, username: string, query: object = {}): Promise<Chat | null> {
    const peer = await this.users.requireByUsername(username);
    if (peer.id === viewerId) throw badInput("You can't chat with yourself.", "username");
    return this.prisma.chat.findUnique({ ...query, where: { userAId_userBId: chatPair(viewerId, peer.id) } });
  }

  /** Only members may read or write a chat. `query` as in chatWith. */
  async requireChat(viewerId: string, chatId: string, query: object = {}): Promise<Chat> {
    if (!isUuid(chatId)) throw notFound("Chat not found.");
    const chat = await this.prisma.chat.findFirst({ ...query, where: { id: chatId, ...memberWhere(viewerId) } });
    if (chat) return chat;
    const exists = await this.prisma.chat.findUnique({ where: { id: chatId }, select: { id: true } });
    throw exists ? forbidden("You are not a member of this chat.") : notFound("Chat not found.");
  }

  /** The viewer's chats, most recent activity first. */
  async listChats(viewerId: string, window: PageWindow, query: object = {}, kind?: ChatKindName | null) {
    const where = kind ? { AND: [memberWhere(viewerId), { kind }] } : memberWhere(viewerId);
    const [nodes, totalCount] = await Promise.all([
      this.prisma.chat.findMany({ ...query, where, orderBy: [{ activityAt: "desc" }, { id: "desc" }], ...window }),
      this.prisma.chat.count({ where }),
    ]);
    return { nodes, totalCount, hasNextPage: window.skip + nodes.length < totalCount };
  }

  /**
   * A page of a chat (the parent of the `messages` field, reached only through the viewer's memberships),
   * batched with other chats'. The page query itself returns nothing to a non-member.
   */
  async messages(viewerId: string, chat: { id: string }, page: MessageQuery) {
    if (page.before && page.after) throw badInput("Use either before or after, not both.");
    if ((page.before || page.after) && page.offset) throw badInput("offset cannot be combined with a cursor.");
    const rows = await this.pages.load({
      chatId: chat.id,
      viewerId,
      after: page.after ? parseCursor(page.after, "after") : null,
      before: page.before ? parseCursor(page.before, "before") : null,
      skip: page.offset ?? 0,
      take: page.first + 1,
    });
    const nodes = rows.slice(0, page.first);
    const last = nodes.at(-1);
    return { nodes, hasNextPage: rows.length > page.first, endCursor: last ? String(last.seq) : null, chatId: chat.id };
  }

  /** The newest message of a chat, batched like `messages`. */
  async lastMessage(viewerId: string, chatId: string): Promise<MessagePayload | null> {
    const [newest] = await this.pages.load({ chatId, viewerId, after: null, before: null, skip: 0, take: 1 });
    return newest ?? null;
  }

  /** All messages of a chat, system messages included; batched. */
  async countMessages(viewerId: string, chatId: string): Promise<number> {
    return (await this.stats.load({ chatId, viewerId })).total;
  }

  /** The viewer's unread messages in a chat (read-state.ts); batched with countMessages. */
  async unreadIn(viewerId: string, chatId: string): Promise<number> {
    return (await this.stats.load({ chatId, viewerId })).unread;
  }

  /** Unread messages sent to the viewer across all chats. */
  async unreadCount(viewerId: string): Promise<number> {
    return (await this.unreadTotals.load(viewerId)).messages;
  }

  /** The viewer's chats with at least one unread message. */
  async unreadConversationCount(viewerId: string): Promise<number> {
    return (await this.unreadTotals.load(viewerId)).conversations;
  }

  /** Sends waiting to be stored and statements running: for metrics. */
  writerLoad(): { queueDepth: number; statementsInFlight: number } {
    return { queueDepth: this.writer.queueDepth, statementsInFlight: this.writer.statementsInFlight };
  }

  /**
   * Rate-limited per user before anything else: a refused message costs no query and is never stored. Returns
   * once the message is stored; the event is published without waiting for pub/sub, to every member. A repeated
   * `clientMessageId` returns the message stored under it, and publishes nothing.
   */
  async sendMessage(viewerId: string, input: SendMessageInput): Promise<MessagePayload> {
    this.presence.activity(viewerId); // even when the message is then refused, as in legacy
    await this.limits.consume("sendMessage", viewerId);
    const attachmentIds = input.attachmentIds ?? [];
    const { content, clientTimestamp, clientMessageId } = checkMessageInput(input);
    if (!isUuid(input.chatId)) throw notFound("Chat not found.");
    const id = randomUUID();
    const chatId = input.chatId.toLowerCase();
    const attachments = await this.claimAttachments(viewerId, chatId, id, attachmentIds, clientMessageId);
    if (!Array.isArray(attachments)) return attachments; // a repeat: the message stored under its key
    const written = await this.writer
      .write({ id, chatId, senderId: viewerId, content, clientTimestamp, clientMessageId })
      .catch((error: unknown) => {
        // a concurrent repeat of the same clientMessageId committed first: answered below as a repeat
        if (clientMessageId && isUniqueViolation(error)) return null;
        throw error;
      })
      .catch(async (error: unknown) => {
        await this.releaseAttachments(id, attachments);
        throw error;
      });
    if (!written) {
      await this.releaseAttachments(id, attachments);
      const stored = clientMessageId ? await this.storedRepeat(viewerId, chatId, clientMessageId) : null;
      if (stored) return stored;
      throw await this.whyCannotSend(viewerId, chatId);
    }
    const message: MessagePayload = {
      id,
      chatId,
      chatKind: written.chatKind,
      seq: written.seq,
      kind: "TEXT",
      system: null,
      senderId: viewerId,
      sender: written.sender,
      content,
      clientTimestamp,
      createdAt: written.createdAt.toISOString(),
      ...newMessageState(),
      attachments,
    };
    await this.publish(written.memberIds, { kind: "MESSAGE_SENT", at: message.createdAt, chatId, message });
    return message;
  }

  /**
   * Claims the uploads for message `id` before it is stored (each goes with one message only). A refusal on a
   * retried send answers with the message stored under its `clientMessageId`, which took these uploads.
   */
  private async claimAttachments(
    viewerId: string,
    chatId: string,
    id: string,
    attachmentIds: readonly string[],
    clientMessageId: string | null,
  ): Promise<AttachmentPayload[] | MessagePayload> {
    try {
      return await this.attachments.claim(viewerId, chatId, id, attachmentIds);
    } catch (error) {
      const stored = clientMessageId ? await this.storedRepeat(viewerId, chatId, clientMessageId) : null;
      if (stored) return stored;
      throw error;
    }
  }

  /** A refused message keeps no upload: they can go with another send. */
  private async releaseAttachments(messageId: string, attachments: readonly AttachmentPayload[]): Promise<void> {
    if (attachments.length > 0) await this.attachments.release(messageId);
  }

  /** The message the viewer already stored under `clientMessageId`, if any; it must be in the same chat. */
  private async storedRepeat(viewerId: string, chatId: string, clientMessageId: string) {
    const stored = await this.prisma.message.findUnique({
      where: { senderId_clientMessageId: { senderId: viewerId, clientMessageId } },
      select: { chatId: true, seq: true },
    });
    if (!stored) return null;
    if (stored.chatId !== chatId) throw conflict("This clientMessageId was already used in another chat.");
    return this.messageAt(viewerId, stored.chatId, stored.seq);
  }

  /** One message of a chat the viewer is a member of, as they see it. */
  async message(viewerId: string, messageId: string): Promise<MessagePayload> {
    const { message, chat } = await this.requireMessage(viewerId, messageId);
    return this.messageAt(viewerId, chat.id, message.seq);
  }

  /** One message as the viewer sees it (read state, block flag), through the page loader. */
  async messageAt(viewerId: string, chatId: string, seq: number): Promise<MessagePayload> {
    const [message] = await this.pages.load({ chatId, viewerId, after: seq - 1, before: null, skip: 0, take: 1 });
    if (!message) throw notFound("Message not found.");
    return message;
  }

  /**
   * Moves the viewer's read position up to this message (never back). Reading your own message, or one already
   * behind the position, changes nothing and sends nothing.
   */
  async markMessageRead(viewerId: string, messageId: string): Promise<MessagePayload> {
    const { message, chat } = await this.requireMessage(viewerId, messageId);
    if (message.senderId !== viewerId && (await this.moveReadPosition(viewerId, chat.id, message.seq)) !== null) {
      await this.publish(await this.memberIds(chat), {
        kind: "MESSAGE_READ",
        at: new Date().toISOString(),
        chatId: chat.id,
        messageId: message.id,
        byUserId: viewerId,
      });
    }
    return this.messageAt(viewerId, chat.id, message.seq);
  }

  /**
   * Moves the viewer's read position forward to `upTo` (a message cursor), or to the newest message when it is
   * null; never back. When it moved, every member gets a CHAT_READ with the new position.
   */
  async markChatRead(viewerId: string, chatId: string, upTo: string | null): Promise<Chat> {
    const seq = upTo === null ? MAX_SEQ : parseCursor(upTo, "upTo");
    const chat = await this.requireChat(viewerId, chatId);
    const moved = await this.moveReadPosition(viewerId, chat.id, seq);
    if (moved !== null) {
      await this.publish(await this.memberIds(chat), {
        kind: "CHAT_READ",
        at: new Date().toISOString(),
        chatId: chat.id,
        byUserId: viewerId,
        seq: moved,
      });
    }
    return chat;
  }

  /**
   * The one write of read state: the position rises to `seq` (at most the chat's last message), never falls.
   * Reading implies delivery, so the delivery position follows. Returns the new position, or null if unmoved.
   */
  private async moveReadPosition(viewerId: string, chatId: string, seq: number): Promise<number | null> {
    const [row] = await this.prisma.$queryRaw<{ seq: number }[]>`
      UPDATE chat_members cm SET read_seq = least(${seq}::int, c.last_seq),
        delivered_seq = greatest(cm.delivered_seq, least(${seq}::int, c.last_seq))
      FROM chats c
      WHERE c.id = cm.chat_id AND cm.chat_id = ${chatId}::uuid AND cm.user_id = ${viewerId}::uuid
        AND cm.read_seq < least(${seq}::int, c.last_seq)
      RETURNING cm.read_seq AS seq`;
    return row ? row.seq : null;
  }

  /**
   * Ephemeral: pushed to the other members, never stored. Rate-limited per user; within the `typingEvent` window
   * after an event for this chat, further calls are coalesced into it (true, no query, no event).
   */
  async setTyping(viewerId: string, chatId: string): Promise<boolean> {
    await this.limits.consume("typing", viewerId);
    if (!isUuid(chatId)) throw notFound("Chat not found.");
    await this.limits.once("typingEvent", `${viewerId}:${chatId.toLowerCase()}`, async () => {
      const chat = await this.requireChat(viewerId, chatId);
      await this.requireNotBlocked(chat);
      const user = await this.prisma.user.findUniqueOrThrow({ where: { id: viewerId }, select: publicUserSelect });
      const others = (await this.memberIds(chat)).filter((id) => id !== viewerId);
      await this.publish(others, { kind: "TYPING", at: new Date().toISOString(), chatId: chat.id, user });
    });
    return true;
  }

  /** Who receives a chat's events: a DIRECT chat's pair, or a group's members now. */
  async memberIds(chat: ChatRow): Promise<string[]> {
    if (chat.kind === "DIRECT" && chat.userAId && chat.userBId) return [chat.userAId, chat.userBId];
    const members = await this.prisma.chatMember.findMany({ where: { chatId: chat.id }, select: { userId: true } });
    return members.map((member) => member.userId);
  }

  /** A message of a chat the viewer is a member of, with the chat and the viewer's membership. */
  async requireMessage(viewerId: string, messageId: string) {
    const message = isUuid(messageId)
      ? await this.prisma.message.findUnique({
          where: { id: messageId },
          select: {
            id: true,
            seq: true,
            senderId: true,
            content: true,
            createdAt: true,
            deletedAt: true,
            chat: { include: { members: myMembership(viewerId) } },
          },
        })
      : null;
    if (!message) throw notFound("Message not found.");
    if (!isMember(message.chat, viewerId)) throw forbidden("You are not a member of this chat.");
    return { message, chat: message.chat };
  }

  /** A block separates a DIRECT chat's pair; in a group it stops nobody (chat.blocking.ts). */
  async requireNotBlocked(chat: ChatRow): Promise<void> {
    if (chat.kind !== "DIRECT" || !chat.userAId || !chat.userBId) return;
    if (await eitherBlocked(this.prisma, chat.userAId, chat.userBId)) {
      throw forbidden("One of you has blocked the other.");
    }
  }

  /** Called only when the batched insert refused a message: finds which rule it broke. */
  private async whyCannotSend(viewerId: string, chatId: string): Promise<Error> {
    try {
      await this.requireNotBlocked(await this.requireChat(viewerId, chatId));
      return new Error(`Message to chat ${chatId} was refused for no known reason`);
    } catch (error) {
      return error as Error;
    }
  }

  /** Pub/sub only nudges: a failed publish is logged, the write stands, clients catch up by cursor. */
  private publish(userIds: string[], event: ChatEvent): Promise<void> {
    return publishChatEvent(this.bus, userIds, event);
  }
}

/**
 * Content is 0 to 255 characters (code points): an empty message is sent as is, like whitespace (the legacy
 * protocol stores both). Every string must be storable as PostgreSQL text.
 */
function checkMessageInput(input: SendMessageInput) {
  const clientTimestamp = input.clientTimestamp ?? null;
  const clientMessageId = input.clientMessageId ?? null;
  checkContent(input.content);
  const timestampProblem = clientTimestamp === null ? undefined : textProblem(CLIENT_TIMESTAMP_TEXT, clientTimestamp);
  if (timestampProblem) throw badInput(`clientTimestamp ${timestampProblem}.`, "clientTimestamp");
  const keyProblem = clientMessageId === null ? undefined : textProblem(CLIENT_MESSAGE_ID_TEXT, clientMessageId);
  if (keyProblem) throw badInput(`clientMessageId ${keyProblem}.`, "clientMessageId");
  return { content: input.content, clientTimestamp, clientMessageId };
}

/** A message's content, sent or edited: 0 to 255 characters (code points), storable as PostgreSQL text. */
export function checkContent(content: string): void {
  const problem = textProblem(CONTENT_TEXT, content);
  if (problem) throw badInput(`A message ${problem}.`, "content");
}

/** A cursor is a message's seq: up to 9 digits. */
export const MAX_SEQ = 999_999_999;

export function parseCursor(cursor: string, field: string): number {
  if (!/^\d{1,9}$/.test(cursor)) throw badInput(`${field} is not a valid cursor.`, field);
  return Number(cursor);
}
