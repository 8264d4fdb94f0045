import type { Chat, ChatMember } from "@parley/db";
import { queryFromInfo } from "@pothos/plugin-prisma";
import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import { MAX_PAGE_SIZE, pageArgs, pageWindow } from "../../graphql/pagination.ts";
import { MAX_ATTACHMENTS } from "../media/media.service.ts";
import { UserRef, userViewSelect } from "../users/users.schema.ts";
import { USERNAME_MAX } from "../users/users.validation.ts";
import { readByGroupBlock } from "./chat.blocking.ts";
import type { MessagePayload, SystemChange } from "./chat.events.ts";
import { myMembership, peerOf } from "./chat.members.ts";
import { MAX_CLIENT_MESSAGE_ID_LENGTH, MAX_CLIENT_TIMESTAMP_LENGTH, MAX_MESSAGE_LENGTH } from "./chat.service.ts";

/** Cursors are short digit strings (chat.service parseCursor checks their format). */
const MAX_CURSOR_LENGTH = 16;

export const ChatKindEnum = builder.enumType("ChatKind", { values: ["DIRECT", "GROUP"] as const });
export const MemberRoleEnum = builder.enumType("MemberRole", { values: ["OWNER", "ADMIN", "MEMBER"] as const });
const MessageKindEnum = builder.enumType("MessageKind", {
  values: ["TEXT", "SYSTEM"] as const,
  description: "SYSTEM: a group change recorded in the history (see Message.system); its content is empty.",
});
const SystemActionEnum = builder.enumType("SystemAction", {
  values: [
    "GROUP_CREATED",
    "GROUP_RENAMED",
    "MEMBERS_ADDED",
    "MEMBER_REMOVED",
    "MEMBER_LEFT",
    "MEMBER_BANNED",
    "MEMBER_UNBANNED",
    "ROLE_CHANGED",
    "OWNERSHIP_TRANSFERRED",
  ] as const,
});

const SystemChangeRef = builder.objectRef<SystemChange>("SystemChange").implement({
  description: "Who (`actor`) did what (`action`) to whom (`users`), with profiles as they were at the change.",
  fields: (t) => ({
    action: t.field({ type: SystemActionEnum, resolve: (change) => change.action }),
    actor: t.field({ type: UserRef, resolve: (change) => change.actor }),
    users: t.field({ type: [UserRef], resolve: (change) => change.users }),
    title: t.exposeString("title", { nullable: true, description: "GROUP_CREATED, GROUP_RENAMED: the new title." }),
    role: t.field({
      type: MemberRoleEnum,
      nullable: true,
      description: "ROLE_CHANGED: the new role.",
      resolve: (change) => change.role,
    }),
  }),
});

/** Queries carry the flag; events load it, batched for every subscriber of the process (one query per event). */
async function senderBlockedByMe(message: MessagePayload, viewerId: string | undefined, ctx: Context) {
  if (message.senderBlockedByMe !== undefined) return message.senderBlockedByMe;
  // sends across a block are refused in a DIRECT chat: a live message there is never from someone I blocked
  if (message.chatKind === "DIRECT" || message.senderId === viewerId) return false;
  return (await ctx.loaders.blockFlags.load(message.senderId)).blockedByMe;
}

/** Resolved from the payload shape, which queries and events share: delivering a message costs no query. */
export const MessageRef = builder.objectRef<MessagePayload>("Message").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    chatId: t.exposeID("chatId"),
    chatKind: t.field({ type: ChatKindEnum, description: "The kind of its chat.", resolve: (m) => m.chatKind }),
    kind: t.field({ type: MessageKindEnum, resolve: (message) => message.kind }),
    system: t.field({
      type: SystemChangeRef,
      nullable: true,
      description: "SYSTEM messages: the group change.",
      resolve: (message) => message.system,
    }),
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
    isRead: t.boolean({
      description:
        "DIRECT: its receiver has read it (their read position reached it), or a block separates the pair. " +
        "GROUP: I have read it, sent it, or blocked its sender. Derived from read positions, never stored.",
      resolve: async (message, _args, ctx) =>
        message.isRead || readByGroupBlock(message.chatKind, await senderBlockedByMe(message, ctx.viewer?.id, ctx)),
    }),
    senderBlockedByMe: t.boolean({
      description: "I blocked the sender (in a group: shown flagged, never counted unread for me).",
      resolve: (message, _args, ctx) => senderBlockedByMe(message, ctx.viewer?.id, ctx),
    }),
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
        description: "All messages in the chat, system messages included.",
        resolve: (page, _args, ctx) => ctx.services.chat.countMessages(requireViewer(ctx).id, page.chatId),
      }),
    }),
  });

const MemberRef = builder.prismaObject("ChatMember", {
  description: "A member of a conversation, with their role.",
  fields: (t) => ({
    user: t.field({ type: UserRef, select: { user: { select: userViewSelect } }, resolve: (member) => member.user }),
    role: t.expose("role", { type: MemberRoleEnum }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
  }),
});

const MemberPage = builder
  .objectRef<{ nodes: ChatMember[]; totalCount: number; hasNextPage: boolean }>("MemberPage")
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [MemberRef], resolve: (page) => page.nodes }),
      totalCount: t.exposeInt("totalCount"),
      hasNextPage: t.exposeBoolean("hasNextPage"),
    }),
  });

export const ChatRef = builder.prismaObject("Chat", {
  description: "A conversation, DIRECT (two members, one per pair) or GROUP, seen from the viewer's side.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: ChatKindEnum }),
    title: t.exposeString("title", { nullable: true, description: "GROUP: its title; null for DIRECT." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    activityAt: t.expose("activityAt", { type: "DateTime", description: "Last message time, or creation time." }),
    peer: t.field({
      type: UserRef,
      nullable: true,
      description: "DIRECT: the other participant. Null for a group.",
      select: { userA: { select: userViewSelect }, userB: { select: userViewSelect } },
      resolve: (chat, _args, ctx) => (chat.userAId === ctx.viewer?.id ? chat.userB : chat.userA),
    }),
    myRole: t.field({
      type: MemberRoleEnum,
      description: "My role here (both people of a DIRECT chat are MEMBERs).",
      select: (_args, ctx) => ({ members: myMembership(requireViewer(ctx).id) }),
      resolve: (chat) => {
        const [me] = chat.members;
        if (!me) throw new Error(`chat ${chat.id} loaded for a non-member`);
        return me.role;
      },
    }),
    members: t.field({
      type: MemberPage,
      description: "Members, owner first, then admins, then by joining time.",
      args: pageArgs,
      select: (args, _ctx, nestedSelection) => ({
        members: nestedSelection(
          { ...pageWindow(args, 50), orderBy: [{ role: "asc" }, { joinedAt: "asc" }, { userId: "asc" }] },
          ["nodes"],
        ),
        _count: { select: { members: true } },
      }),
      resolve: (chat, args) => {
        const { skip } = pageWindow(args, 50);
        const totalCount = chat._count.members;
        return { nodes: chat.members, totalCount, hasNextPage: skip + chat.members.length < totalCount };
      },
    }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      resolve: (chat, _args, ctx) => ctx.services.chat.lastMessage(requireViewer(ctx).id, chat.id),
    }),
    unreadCount: t.int({
      description:
        "Messages from others here that I have not read (derived from my read position; a DIRECT chat " +
        "separated by a block, and in a group the messages of people I blocked, count as read).",
      resolve: (chat, _args, ctx) => ctx.services.chat.unreadIn(requireViewer(ctx).id, chat.id),
    }),
    isBlockedByMe: t.boolean({
      description: "DIRECT: I blocked the peer. Always false for a group.",
      resolve: async (chat, _args, ctx) => (await peerFlags(chat, ctx)).blockedByMe,
    }),
    hasBlockedMe: t.boolean({
      description: "DIRECT: the peer blocked me. Always false for a group.",
      resolve: async (chat, _args, ctx) => (await peerFlags(chat, ctx)).hasBlockedMe,
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

const NO_FLAGS = { blockedByMe: false, hasBlockedMe: false };

function peerFlags(chat: Chat, ctx: Context) {
  const peerId = peerOf(chat, requireViewer(ctx).id);
  return peerId ? ctx.loaders.blockFlags.load(peerId) : Promise.resolve(NO_FLAGS);
}

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
    description: "My chats, most recent activity first; only those of one kind if `kind` is given.",
    args: { ...pageArgs, kind: t.arg({ type: ChatKindEnum, required: false }) },
    resolve: (_root, args, ctx, info) =>
      ctx.services.chat.listChats(
        requireViewer(ctx).id,
        pageWindow(args, 20),
        queryFromInfo({ context: ctx, info, path: ["nodes"] }),
        args.kind,
      ),
  }),
  chat: t.prismaField({
    type: ChatRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.chat.requireChat(requireViewer(ctx).id, args.id, query),
  }),
  message: t.field({
    type: MessageRef,
    description: "One message of a chat I am a member of: fresh attachment URLs, its reactions, who reacted.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.chat.message(requireViewer(ctx).id, args.id),
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
    description:
      "Send 0 to 255 characters, with or without attachments; every member's sockets receive a MessageSentEvent.",
    args: {
      chatId: t.arg.id({ required: true }),
      content: t.arg.string({ required: true, maxLength: roomFor(MAX_MESSAGE_LENGTH) }),
      attachmentIds: t.arg.idList({
        required: false,
        maxItems: MAX_ATTACHMENTS,
        description: `Up to ${MAX_ATTACHMENTS} completed uploads of mine for this chat (completeUpload), each sent once.`,
      }),
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
    args: {
      messageId: t.arg.id({ required: true }),
      liked: t.arg.boolean({ required: true }),
      chatId: t.arg.id({ required: false, description: "The chat the message must be in; NOT_FOUND otherwise." }),
    },
    description: "The legacy like: my ❤️ reaction (U+2764 U+FE0F) on someone else's message.",
    resolve: (_root, args, ctx) =>
      ctx.services.reactions.setMessageLiked(requireViewer(ctx).id, args.messageId, args.liked, args.chatId),
  }),
  markMessageRead: t.field({
    type: MessageRef,
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.chat.markMessageRead(requireViewer(ctx).id, args.messageId),
  }),
  markChatRead: t.prismaField({
    type: ChatRef,
    description:
      "Move my read position forward to `upTo` (a message cursor; omitted: the newest message), never back. " +
      "Every member gets a ChatReadEvent when it moved.",
    args: {
      chatId: t.arg.id({ required: true }),
      upTo: t.arg.string({ required: false, maxLength: MAX_CURSOR_LENGTH }),
    },
    resolve: async (query, _root, args, ctx) => {
      const viewerId = requireViewer(ctx).id;
      const chat = await ctx.services.chat.markChatRead(viewerId, args.chatId, args.upTo ?? null);
      return ctx.services.chat.requireChat(viewerId, chat.id, query);
    },
  }),
  setTyping: t.boolean({
    description: "Tell the other members I am typing (not stored): they get a TypingEvent.",
    args: { chatId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.chat.setTyping(requireViewer(ctx).id, args.chatId),
  }),
}));
