import { isoPy } from "../legacy/dates.ts";
import { legacyData } from "../legacy/schemas.ts";
import {
  ChatEventsDocument,
  type ChatEventsSubscription,
  SendMessageDocument,
} from "../operations/generated/graphql.ts";
import { type ActionTable, action, type Domain, type LiveFeed } from "./action.ts";

/** Client → server chat actions (protocol §3.1–3.3). */
export const chatActions: ActionTable = {
  // §3.1: a refused send (unknown or foreign chat, a block, too long) is dropped silently
  new_message: action({
    data: legacyData.new_message,
    async run(data, ctx) {
      await ctx.api.execute({
        document: SendMessageDocument,
        variables: { chatId: data.chat_id, content: data.content, clientTimestamp: data.timestamp },
      });
    },
  }),
};

/** Server → client chat frames (§4.1), to every socket of both participants, the sender's included. */
export const chatFeed: LiveFeed<ChatEventsSubscription> = {
  operation: { document: ChatEventsDocument, variables: {} },
  frames({ chatEvents: event }) {
    if (event.__typename !== "MessageSentEvent") return [];
    const { message } = event;
    return [
      {
        action: "new_message",
        data: {
          chat_id: message.chatId,
          id: message.id,
          content: message.content,
          date: isoPy(message.createdAt),
          sender: message.sender.username,
          is_read: message.isRead,
          is_liked: message.isLiked,
          timestamp: message.clientTimestamp,
        },
      },
    ];
  },
};

export const chat: Domain = { actions: chatActions, feeds: [chatFeed] };
