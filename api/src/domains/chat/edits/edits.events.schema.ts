import { builder } from "../../../graphql/builder.ts";
import type { MessageDeletedEvent, MessageEditedEvent } from "./edits.events.ts";

export const MessageEditedEventRef = builder.objectRef<MessageEditedEvent>("MessageEditedEvent").implement({
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    messageId: t.exposeID("messageId"),
    content: t.exposeString("content"),
    editedAt: t.expose("editedAt", { type: "DateTime" }),
    byUserId: t.exposeID("byUserId"),
  }),
});

export const MessageDeletedEventRef = builder.objectRef<MessageDeletedEvent>("MessageDeletedEvent").implement({
  description: "The message is now a tombstone: empty content, no reactions, same cursor.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    messageId: t.exposeID("messageId"),
    deletedAt: t.expose("deletedAt", { type: "DateTime" }),
    byUserId: t.exposeID("byUserId"),
  }),
});
