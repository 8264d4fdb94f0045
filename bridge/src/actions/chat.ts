import { chatFrames } from "../legacy/chat.ts";
import { legacyData } from "../legacy/schemas.ts";
import {
  LegacyChatEventsDocument,
  type LegacyChatEventsSubscription,
  LikeMessageDocument,
  ReadMessageDocument,
  SendMessageDocument,
} from "../operations/generated/graphql.ts";
import { type ActionContext, type ActionTable, action, type Domain, type LiveFeed } from "./action.ts";

/**
 * The legacy chat actions (protocol §3.1–§3.3). Legacy answers none of them: a refusal (unknown or foreign
 * chat, a block, content over 255 characters, someone else's or one's own message) sends nothing, so the API's
 * errors are dropped here. Who may do what is the API's rule, applied to the caller.
 */

const like = (liked: boolean) =>
  action({
    data: legacyData.like_message,
    run: async ({ id, chat_id }, ctx: ActionContext) => {
      await ctx.api.execute({ document: LikeMessageDocument, variables: { messageId: id, chatId: chat_id, liked } });
    },
  });

export const chatActions: ActionTable = {
  new_message: action({
    data: legacyData.new_message,
    run: async ({ content, chat_id, timestamp }, ctx) => {
      const variables = { chatId: chat_id, content, clientTimestamp: timestamp };
      await ctx.api.execute({ document: SendMessageDocument, variables });
    },
  }),
  like_message: like(true),
  // an unlike is broadcast as like_message with is_liked false (§3.2)
  unlike_message: like(false),
  // the frontend also sends chat_id; legacy ignores it, and so does the bridge (the API knows the message's chat)
  read_message: action({
    data: legacyData.read_message,
    run: async ({ id }, ctx) => {
      await ctx.api.execute({ document: ReadMessageDocument, variables: { messageId: id } });
    },
  }),
};

/** new_message and like_message frames of every chat of the socket's user, chats created later included. */
export const chatFeed: LiveFeed<LegacyChatEventsSubscription> = {
  operation: { document: LegacyChatEventsDocument, variables: {} },
  frames: (event) => chatFrames(event.chatEvents),
};

export const chat: Domain = { actions: chatActions, feeds: [chatFeed] };
