import type {
  LegacyChatBaseFragment,
  LegacyChatEventsSubscription,
  LegacyChatMessageFragment,
  LegacyChatsQuery,
  LegacyOpenChatMutation,
} from "../operations/generated/graphql.ts";
import { isoHttp, isoPy } from "./dates.ts";
import type { LegacyFrame } from "./frame.ts";

/** The legacy chat bodies (protocol §8.1–§8.2) and frames (§4.1–§4.2), keys in the legacy order. */

type Preview = LegacyChatsQuery["chats"]["nodes"][number];
type OpenedChat = LegacyOpenChatMutation["openChat"]["chat"];
type ChatEvent = LegacyChatEventsSubscription["chatEvents"];

/** `ChatMessage` */
export const chatMessage = (message: LegacyChatMessageFragment) => ({
  content: message.content,
  date: isoHttp(message.createdAt),
  sender: message.sender.username,
  is_read: message.isRead,
  is_liked: message.isLiked,
  id: message.id,
});

/** `ChatBase`: about the other participant; `is_blocked_user` = I blocked them. Legacy chats are DIRECT ones. */
function chatBase(chat: LegacyChatBaseFragment) {
  const { peer } = chat;
  if (!peer) throw new Error(`chat ${chat.id} has no peer: not a direct chat`);
  return {
    chat_id: chat.id,
    username: peer.username,
    nickname: peer.nickname,
    avatar: peer.avatar,
    is_online: peer.isOnline,
    is_blocked_user: chat.isBlockedByMe,
    is_blocked_by_user: chat.hasBlockedMe,
  };
}

/** `ChatPreview` of GET /api/chats */
export const chatPreview = (chat: Preview) => ({
  ...chatBase(chat),
  unread_messages_count: chat.unreadCount,
  last_message: chat.lastMessage ? chatMessage(chat.lastMessage) : null,
});

/** PUT /api/chats/{username}: the chat with its 30 newest messages, newest first */
export const chatWithMessages = (chat: OpenedChat) => ({
  ...chatBase(chat),
  messages: chat.messages.nodes.map(chatMessage),
});

/** The frames a chat event makes: `new_message` (§4.1), `like_message` for likes and unlikes (§4.2). */
export function chatFrames(event: ChatEvent): LegacyFrame[] {
  switch (event.__typename) {
    case "MessageSentEvent": {
      const { message } = event;
      // group chats and their system messages have no legacy form
      if (message.chatKind !== "DIRECT" || message.kind !== "TEXT") return [];
      const data = {
        chat_id: message.chatId,
        id: message.id,
        content: message.content,
        date: isoPy(message.createdAt),
        sender: message.sender.username,
        is_read: false,
        is_liked: false,
        // a GraphQL client may send without one; legacy's is always a string
        timestamp: message.clientTimestamp ?? "",
      };
      return [{ action: "new_message", data }];
    }
    case "MessageLikedEvent":
      return [{ action: "like_message", data: { id: event.messageId, chat_id: event.chatId, is_liked: event.liked } }];
    default:
      return []; // reads, typing and the stream's ready mark have no legacy frame
  }
}
