import type { Chat } from "@parley/db";
import { queryFromInfo } from "@pothos/plugin-prisma";
import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { MAX_PAGE_SIZE, pageArgs, pageWindow } from "../../graphql/pagination.ts";
import { UserRef, userViewSelect } from "../users/users.schema.ts";
import { USERNAME_MAX } from "../users/users.validation.ts";
import { type ChatEvent, chatEventsOf, type MessagePayload } from "./chat.events.ts";
import { peerOf } from "./chat.pair.ts";
import { MAX_CLIENT_MESSAGE_ID_LENGTH, MAX_CLIENT_TIMESTAMP_LENGTH, MAX_MESSAGE_LENGTH } from "./chat.service.ts";
import { MessageDeletedEventRef, MessageEditedEventRef } from "./edits/edits.events.schema.ts";
import { ReactionEventRef } from "./reactions/reactions.events.schema.ts";

/** Cursors are short digit strings (chat.service parseCursor checks their format). */
const MAX_CURSOR_LENGTH = 16;

/** Resolved from the payload shape, which queries and events share: delivering a message costs no query. */
export const MessageRef = builder.objectRef<MessagePayload>("Message").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    chatId: t.exposeID("chatId"),
    cursor: t.string({
      description: "Opaque position in the chat, for `messages(before:)` and `messages(after:)`.",
      resolve: (message) => String(message.seq),
    }),
    sender: t.field({ type: UserRef, resolve: (message) => message.sender }),
    content: t.exposeString("content"),
    clientTimestamp: t.exposeString("clientTimestamp", {
      nullable: true,
      description: "The sender's own token, echoed so a client can match its pending message.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    isRead: t.exposeBoolean("isRead"),
    isLiked: t.exposeBoolean("isLiked", { description: "Someone other than the sender reacted ❤️ (legacy like)." }),
  }),
});

const MessagePage = builder
  .objectRef<{ nodes: MessagePayload[]; hasNextPage: boolean; endCursor: string | null; chatId: string }>("MessagePage")
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [MessageRef], resolve: (page) => page.nodes }),
      hasNextPage: t.exposeBoolean("hasNextPage"),
      endCursor: t.exposeString("endCursor", {
        nullable: true,
        description: "Pass as before/after for the next page.",
      }),
      totalCount: t.int({
        description: "All messages in the chat.",
        resolve: (page, _args, ctx) => ctx.services.chat.countMessages(page.chatId),
      }),
    }),
  });

export const ChatRef = builder.prismaObject("Chat", {
  description: "A one-to-one conversation, seen from the viewer's side.",
  fields: (t) => ({
    id: t.exposeID("id"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    activityAt: t.expose("activityAt", { type: "DateTime", description: "Last message time, or creation time." }),
    peer: t.field({
      type: UserRef,
      description: "The other participant.",
      select: { userA: { select: userViewSelect }, userB: { select: userViewSelect } },
      resolve: (chat, _args, ctx) => (chat.userAId === ctx.viewer?.id ? chat.userB : chat.userA),
    }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      resolve: (chat, _args, ctx) => ctx.services.chat.lastMessage(chat.id),
    }),
    unreadCount: t.int({
      description: "Messages sent to me in this chat that I have not read.",
      select: (_args, ctx) => ({
        _count: { select: { messages: { where: { isRead: false, senderId: { not: ctx.viewer?.id ?? "" } } } } },
      }),
      resolve: (chat) => chat._count.messages,
    }),
    isBlockedByMe: t.boolean({
      resolve: async (chat, _args, ctx) =>
        (await ctx.loaders.blockFlags.load(peerOf(chat, requireViewer(ctx).id))).blockedByMe,
    }),
    hasBlockedMe: t.boolean({
      resolve: async (chat, _args, ctx) =>
        (await ctx.loaders.blockFlags.load(peerOf(chat, requireViewer(ctx).id))).hasBlockedMe,
    }),
    messages: t.field({
      type: MessagePage,
      description:
        "Newest first; `before:` pages back in history. `after:` returns what came after a cursor, oldest " +
        "first, so a reconnecting client catches up in order.",
      args: {
        first: t.arg.int({ required: false, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default 30).` }),
        before: t.arg.string({ required: false, maxLength: MAX_CURSOR_LENGTH }),
        after: t.arg.string({ required: false, maxLength: MAX_CURSOR_LENGTH }),
        offset: t.arg.int({ required: false }),
      },
      resolve: (chat, args, ctx) => {
        const { take, skip } = pageWindow(args, 30);
        return ctx.services.chat.messages(requireViewer(ctx).id, chat, { ...args, first: take, offset: skip });
      },
    }),
  }),
});

const ChatPage = builder.objectRef<{ nodes: Chat[]; totalCount: number; hasNextPage: boolean }>("ChatPage").implement({
  fields: (t) => ({
    nodes: t.field({ type: [ChatRef], resolve: (page) => page.nodes }),
    totalCount: t.exposeInt("totalCount"),
    hasNextPage: t.exposeBoolean("hasNextPage"),
  }),
});

const OpenChatPayload = builder.objectRef<{ chat: Chat; created: boolean }>("OpenChatPayload").implement({
  fields: (t) => ({
    chat: t.field({ type: ChatRef, resolve: (payload) => payload.chat }),
    created: t.exposeBoolean("created", { description: "True when this call created the chat." }),
  }),
});

builder.queryFields((t) => ({
  chats: t.field({
    type: ChatPage,
    description: "My chats, most recent activity first.",
    args: pageArgs,
    resolve: (_root, args, ctx, info) =>
      ctx.services.chat.listChats(
        requireViewer(ctx).id,
        pageWindow(args, 20),
        queryFromInfo({ context: ctx, info, path: ["nodes"] }),
      ),
  }),
  chat: t.prismaField({
    type: ChatRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.chat.requireChat(requireViewer(ctx).id, args.id, query),
  }),
  chatWith: t.prismaField({
    type: ChatRef,
    nullable: true,
    description: "My chat with a user, or null if we have none yet.",
    args: { username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }) },
    resolve: (query, _root, args, ctx) => ctx.services.chat.chatWith(requireViewer(ctx).id, args.username, query),
  }),
}));

builder.mutationFields((t) => ({
  openChat: t.field({
    type: OpenChatPayload,
    description: "Get or create my chat with a user.",
    args: { username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }) },
    resolve: (_root, args, ctx) => ctx.services.chat.openChat(requireViewer(ctx).id, args.username),
  }),
  sendMessage: t.field({
    type: MessageRef,
    description: "Send 1 to 255 characters; both participants' sockets receive a MessageSentEvent.",
    args: {
      chatId: t.arg.id({ required: true }),
      content: t.arg.string({ required: true, maxLength: roomFor(MAX_MESSAGE_LENGTH) }),
      clientTimestamp: t.arg.string({ required: false, maxLength: MAX_CLIENT_TIMESTAMP_LENGTH }),
      clientMessageId: t.arg.string({
        required: false,
        maxLength: roomFor(MAX_CLIENT_MESSAGE_ID_LENGTH),
        description:
          `Idempotency key, unique per sender (1 to ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters): a repeat returns the message already ` +
          "stored under it and sends no second event, so a client can retry a send safely.",
      }),
    },
    resolve: (_root, args, ctx) => ctx.services.chat.sendMessage(requireViewer(ctx).id, args),
  }),
  setMessageLiked: t.field({
    type: MessageRef,
    description: "The legacy like: my ❤️ reaction (U+2764 U+FE0F) on someone else's message.",
    args: { messageId: t.arg.id({ required: true }), liked: t.arg.boolean({ required: true }) },
    resolve: (_root, args, ctx) =>
      ctx.services.reactions.setMessageLiked(requireViewer(ctx).id, args.messageId, args.liked),
  }),
  markMessageRead: t.field({
    type: MessageRef,
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.chat.markMessageRead(requireViewer(ctx).id, args.messageId),
  }),
  setTyping: t.boolean({
    description: "Tell the other participant I am typing (not stored).",
    args: { chatId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.chat.setTyping(requireViewer(ctx).id, args.chatId),
  }),
}));

type EventOf<K extends ChatEvent["kind"]> = Extract<ChatEvent, { kind: K }>;

const MessageSentEvent = builder.objectRef<EventOf<"MESSAGE_SENT">>("MessageSentEvent").implement({
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    message: t.field({ type: MessageRef, resolve: (event) => event.message }),
  }),
});

const MessageLikedEvent = builder.objectRef<EventOf<"MESSAGE_LIKED">>("MessageLikedEvent").implement({
  description: "A message was liked or unliked (`liked` tells which).",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    messageId: t.exposeID("messageId"),
    liked: t.exposeBoolean("liked"),
    byUserId: t.exposeID("byUserId"),
  }),
});

const MessageReadEvent = builder.objectRef<EventOf<"MESSAGE_READ">>("MessageReadEvent").implement({
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    messageId: t.exposeID("messageId"),
    byUserId: t.exposeID("byUserId"),
  }),
});

const TypingEvent = builder.objectRef<EventOf<"TYPING">>("TypingEvent").implement({
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
  }),
});

const ChatEventRef = eventUnion<ChatEvent>("ChatEvent", {
  MESSAGE_SENT: MessageSentEvent,
  MESSAGE_LIKED: MessageLikedEvent,
  MESSAGE_READ: MessageReadEvent,
  TYPING: TypingEvent,
  MESSAGE_REACTION: ReactionEventRef,
  MESSAGE_EDITED: MessageEditedEventRef,
  MESSAGE_DELETED: MessageDeletedEventRef,
});

builder.subscriptionFields((t) => ({
  chatEvents: t.field({
    type: ChatEventRef,
    description: "Live events of all my chats, on every open socket of both participants.",
    subscribe: (_root, _args, ctx) => chatEventsOf(ctx.bus, requireViewer(ctx).id),
    resolve: (event) => event,
  }),
}));
