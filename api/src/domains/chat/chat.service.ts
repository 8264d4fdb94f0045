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
import type { ActivitySink } from "../presence/presence.service.ts";
import { eitherBlocked } from "../users/blocks.ts";
import type { UsersService } from "../users/users.service.ts";
import { publicUserSelect } from "../users/users.service.ts";
import { type ChatEvent, type MessagePayload, publishChatEvent, toMessagePayload } from "./chat.events.ts";
import { chatPair, isParticipant, participantWhere, peerOf } from "./chat.pair.ts";
import { loadMessagePages, type PageRequest } from "./message-pages.ts";
import { type BatchObserver, MessageWriter, type WriterLimits } from "./message-writer.ts";
import { heartsInclude } from "./reactions/liked.ts";

export const MAX_MESSAGE_LENGTH = 255;
export const MAX_CLIENT_TIMESTAMP_LENGTH = 64;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 64;
const CONTENT_TEXT = storableText({ max: MAX_MESSAGE_LENGTH });
const CLIENT_TIMESTAMP_TEXT = storableText({ min: 0, max: MAX_CLIENT_TIMESTAMP_LENGTH });
const CLIENT_MESSAGE_ID_TEXT = storableText({ max: MAX_CLIENT_MESSAGE_ID_LENGTH, noControls: true });

export interface SendMessageInput {
  chatId: string;
  content: string;
  clientTimestamp?: string | null;
  /** idempotency key, unique per sender: a repeat returns the stored message and publishes nothing */
  clientMessageId?: string | null;
}

export interface MessageQuery {
  first: number;
  /** older than this cursor, newest first */
  before?: string | null;
  /** newer than this cursor, oldest first: catch-up after a reconnect */
  after?: string | null;
  offset?: number | null;
}

/** What a stored message's payload needs: its sender's profile and who liked it (toMessagePayload). */
export const messageInclude = { sender: { select: publicUserSelect }, ...heartsInclude } as const;

/** One-to-one chats: every chat rule lives here, once. */
export class ChatService {
  private readonly writer: MessageWriter;
  /** Pages and counts of many chats (a chat list), one query per batch across the process. */
  private readonly pages: DataLoader<PageRequest, MessagePayload[]>;
  private readonly counts: DataLoader<string, number>;

  constructor(
    private readonly prisma: PrismaClient,
    sql: Sql,
    private readonly bus: EventBus,
    private readonly users: UsersService,
    private readonly limits: RateLimits,
    /** sending and liking keep a user online (protocol §7) */
    private readonly presence: ActivitySink,
    writer: { limits?: Partial<WriterLimits>; observe?: BatchObserver } = {},
  ) {
    this.writer = new MessageWriter(sql, writer.limits, writer.observe);
    this.pages = new DataLoader((requests) => loadMessagePages(prisma, requests), processWide());
    this.counts = new DataLoader(async (chatIds) => {
      const groups = await prisma.message.groupBy({
        by: ["chatId"],
        where: { chatId: { in: [...new Set(chatIds)] } },
        _count: { _all: true },
      });
      const byChat = new Map(groups.map((group) => [group.chatId, group._count._all]));
      return chatIds.map((chatId) => byChat.get(chatId) ?? 0);
    }, processWide());
  }

  /** Gets or creates the chat with `username`; blocks do not prevent it (flags tell the client). */
  async openChat(viewerId: string, username: string): Promise<{ chat: Chat; created: boolean }> {
    const peer = await this.users.requireByUsername(username);
    if (peer.id === viewerId) throw badInput("You can't chat with yourself.", "username");
    const pair = chatPair(viewerId, peer.id);
    const inserted = await this.prisma.chat.createManyAndReturn({ data: [pair], skipDuplicates: true });
    const chat = inserted[0] ?? (await this.prisma.chat.findUniqueOrThrow({ where: { userAId_userBId: pair } }));
    return { chat, created: inserted.length === 1 };
  }

  /** `query`: the GraphQL selection (Pothos), so fields such as peer and unreadCount are loaded with the chat. */
  async chatWith(viewerId: string, username: string, query: object = {}): Promise<Chat | null> {
    const peer = await this.users.requireByUsername(username);
    if (peer.id === viewerId) throw badInput("You can't chat with yourself.", "username");
    return this.prisma.chat.findUnique({ ...query, where: { userAId_userBId: chatPair(viewerId, peer.id) } });
  }

  /** Only participants may read or write a chat. `query` as in chatWith. */
  async requireChat(viewerId: string, chatId: string, query: object = {}): Promise<Chat> {
    const chat = isUuid(chatId) ? await this.prisma.chat.findUnique({ ...query, where: { id: chatId } }) : null;
    if (!chat) throw notFound("Chat not found.");
    if (!isParticipant(chat, viewerId)) throw forbidden("You are not a participant of this chat.");
    return chat;
  }

  /** The viewer's chats, most recent activity first. */
  async listChats(viewerId: string, window: PageWindow, query: object = {}) {
    const where = participantWhere(viewerId);
    const [nodes, totalCount] = await Promise.all([
      this.prisma.chat.findMany({ ...query, where, orderBy: [{ activityAt: "desc" }, { id: "desc" }], ...window }),
      this.prisma.chat.count({ where }),
    ]);
    return { nodes, totalCount, hasNextPage: window.skip + nodes.length < totalCount };
  }

  /** A page of a chat the viewer took part in (the parent of the `messages` field), batched with other chats'. */
  async messages(viewerId: string, chat: Pick<Chat, "id" | "userAId" | "userBId">, page: MessageQuery) {
    if (!isParticipant(chat, viewerId)) throw forbidden("You are not a participant of this chat.");
    if (page.before && page.after) throw badInput("Use either before or after, not both.");
    if ((page.before || page.after) && page.offset) throw badInput("offset cannot be combined with a cursor.");
    const rows = await this.pages.load({
      chatId: chat.id,
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
  async lastMessage(chatId: string): Promise<MessagePayload | null> {
    const [newest] = await this.pages.load({ chatId, after: null, before: null, skip: 0, take: 1 });
    return newest ?? null;
  }

  countMessages(chatId: string): Promise<number> {
    return this.counts.load(chatId);
  }

  /** Sends waiting to be stored and statements running: for metrics. */
  writerLoad(): { queueDepth: number; statementsInFlight: number } {
    return { queueDepth: this.writer.queueDepth, statementsInFlight: this.writer.statementsInFlight };
  }

  /**
   * Rate-limited per user before anything else: a refused message costs no query and is never stored. Returns
   * once the message is stored; the event is published without waiting for pub/sub. A repeated
   * `clientMessageId` returns the message stored under it, and publishes nothing.
   */
  async sendMessage(viewerId: string, input: SendMessageInput): Promise<MessagePayload> {
    this.presence.activity(viewerId); // even when the message is then refused, as in legacy
    await this.limits.consume("sendMessage", viewerId);
    const { content, clientTimestamp, clientMessageId } = checkMessageInput(input);
    if (!isUuid(input.chatId)) throw notFound("Chat not found.");
    const id = randomUUID();
    const chatId = input.chatId.toLowerCase();
    const written = await this.writer
      .write({ id, chatId, senderId: viewerId, content, clientTimestamp, clientMessageId })
      .catch((error: unknown) => {
        // a concurrent repeat of the same clientMessageId committed first: answered below as a repeat
        if (clientMessageId && isUniqueViolation(error)) return null;
        throw error;
      });
    if (!written) {
      const stored = clientMessageId ? await this.storedRepeat(viewerId, chatId, clientMessageId) : null;
      if (stored) return stored;
      throw await this.whyCannotSend(viewerId, chatId);
    }
    const message: MessagePayload = {
      id,
      chatId,
      seq: written.seq,
      senderId: viewerId,
      sender: written.sender,
      content,
      clientTimestamp,
      createdAt: written.createdAt.toISOString(),
      isRead: false,
      isReallyRead: false,
      isLiked: false,
      editedAt: null,
      deletedAt: null,
      reactions: [],
    };
    await this.publish([written.userAId, written.userBId], {
      kind: "MESSAGE_SENT",
      at: message.createdAt,
      chatId,
      message,
    });
    return message;
  }

  /** The message the viewer already stored under `clientMessageId`, if any; it must be in the same chat. */
  private async storedRepeat(viewerId: string, chatId: string, clientMessageId: string) {
    const stored = await this.prisma.message.findUnique({
      where: { senderId_clientMessageId: { senderId: viewerId, clientMessageId } },
      include: messageInclude,
    });
    if (!stored) return null;
    if (stored.chatId !== chatId) throw conflict("This clientMessageId was already used in another chat.");
    return toMessagePayload(stored);
  }

  /** The receiver marks a message read; reading your own message changes nothing. */
  async markMessageRead(viewerId: string, messageId: string): Promise<MessagePayload> {
    const { message, chat } = await this.requireMessage(viewerId, messageId);
    if (message.senderId === viewerId || message.isReallyRead) return toMessagePayload(message);
    const updated = await this.prisma.message.update({
      where: { id: message.id },
      data: { isRead: true, isReallyRead: true },
      include: messageInclude,
    });
    await this.publish([chat.userAId, chat.userBId], {
      kind: "MESSAGE_READ",
      at: new Date().toISOString(),
      chatId: chat.id,
      messageId: message.id,
      byUserId: viewerId,
    });
    return toMessagePayload(updated);
  }

  /**
   * Ephemeral: pushed to the peer, never stored. Rate-limited per user; within the `typingEvent` window after an
   * event for this chat, further calls are coalesced into it (true, no query, no event).
   */
  async setTyping(viewerId: string, chatId: string): Promise<boolean> {
    await this.limits.consume("typing", viewerId);
    if (!isUuid(chatId)) throw notFound("Chat not found.");
    await this.limits.once("typingEvent", `${viewerId}:${chatId.toLowerCase()}`, async () => {
      const chat = await this.requireChat(viewerId, chatId);
      await this.requireNotBlocked(chat);
      const user = await this.prisma.user.findUniqueOrThrow({ where: { id: viewerId }, select: publicUserSelect });
      await this.publish([peerOf(chat, viewerId)], { kind: "TYPING", at: new Date().toISOString(), chatId, user });
    });
    return true;
  }

  /** Unread messages sent to the viewer across all chats. */
  unreadCount(viewerId: string): Promise<number> {
    return this.prisma.message.count({
      where: {
        isRead: false,
        senderId: { not: viewerId },
        chat: participantWhere(viewerId),
      },
    });
  }

  /** A message of a chat the viewer takes part in, with its chat. */
  async requireMessage(viewerId: string, messageId: string) {
    const message = isUuid(messageId)
      ? await this.prisma.message.findUnique({ where: { id: messageId }, include: { chat: true, ...messageInclude } })
      : null;
    if (!message) throw notFound("Message not found.");
    if (!isParticipant(message.chat, viewerId)) throw forbidden("You are not a participant of this chat.");
    return { message, chat: message.chat };
  }

  async requireNotBlocked(chat: Chat): Promise<void> {
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

/** Content is 1 to 255 characters (code points); every string must be storable as PostgreSQL text. */
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

/** A message's content: 1 to 255 characters (code points), storable as PostgreSQL text. */
export function checkContent(content: string): void {
  const problem = textProblem(CONTENT_TEXT, content);
  if (problem) throw badInput(`A message ${problem}.`, "content");
}

function parseCursor(cursor: string, field: string): number {
  if (!/^\d{1,9}$/.test(cursor)) throw badInput(`${field} is not a valid cursor.`, field);
  return Number(cursor);
}
