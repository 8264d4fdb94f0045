import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { UserRef } from "../users/users.schema.ts";
import { type ChatEvent, chatEventsOf } from "./chat.events.ts";
import { MessageRef } from "./chat.schema.ts";
import { MessageDeletedEventRef, MessageEditedEventRef } from "./edits/edits.events.schema.ts";
import { ReactionEventRef } from "./reactions/reactions.events.schema.ts";
import { DeliveryEventRef } from "./receipts/receipts.events.schema.ts";

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

const ChatReadEvent = builder.objectRef<EventOf<"CHAT_READ">>("ChatReadEvent").implement({
  description: "A member's read position moved forward: everything up to `cursor` is read by them.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    byUserId: t.exposeID("byUserId"),
    cursor: t.string({ resolve: (event) => String(event.seq) }),
  }),
});

const TypingEvent = builder.objectRef<EventOf<"TYPING">>("TypingEvent").implement({
  description:
    "`user` is typing in the chat. Not stored and never followed by a stop: clients show it for 5 seconds " +
    "(a typist's next event comes at most once a second), and as soon as that user's message arrives, stop.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
  }),
});

const GroupChangedEvent = builder.objectRef<EventOf<"GROUP_CHANGED">>("GroupChangedEvent").implement({
  description:
    "A group changed (members, roles, title): `message` is the SYSTEM message it left in the history, at its " +
    "cursor. Every member gets it, and so do the members it took out (`removedMe`), who then get no more.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    title: t.exposeString("title"),
    message: t.field({ type: MessageRef, resolve: (event) => event.message }),
    removedMe: t.boolean({
      description: "The change took me out of the group (removed, banned, or I left).",
      resolve: (event, _args, ctx) => event.removedUserIds.includes(requireViewer(ctx).id),
    }),
  }),
});

const GroupDeletedEvent = builder.objectRef<EventOf<"GROUP_DELETED">>("GroupDeletedEvent").implement({
  description: "The group and its history are gone (deleted by its owner, or its last member left).",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    byUserId: t.exposeID("byUserId"),
  }),
});

const ChatEventRef = eventUnion<ChatEvent>("ChatEvent", {
  MESSAGE_SENT: MessageSentEvent,
  MESSAGE_LIKED: MessageLikedEvent,
  MESSAGE_READ: MessageReadEvent,
  CHAT_READ: ChatReadEvent,
  TYPING: TypingEvent,
  GROUP_CHANGED: GroupChangedEvent,
  GROUP_DELETED: GroupDeletedEvent,
  MESSAGE_REACTION: ReactionEventRef,
  MESSAGE_EDITED: MessageEditedEventRef,
  MESSAGE_DELETED: MessageDeletedEventRef,
  DELIVERY: DeliveryEventRef,
});

builder.subscriptionFields((t) => ({
  chatEvents: t.field({
    type: ChatEventRef,
    description: "Live events of all my chats, on every open socket of every member.",
    subscribe: (_root, _args, ctx) => chatEventsOf(ctx.bus, requireViewer(ctx).id),
    resolve: (event) => event,
  }),
}));
