// The legacy chat bodies and frames (protocol §4.1, §4.2, §8.2): exact keys, in the legacy order.
import { describe, expect, it } from "vitest";
import { chatFrames, chatMessage, chatPreview, chatWithMessages } from "../src/legacy/chat.ts";

const CHAT = "5b0c1e9a-3f4d-4e2b-9a1c-7d8e9f0a1b2c";
const MESSAGE = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";

const peer = { username: "bob", nickname: "Bobby", avatar: "/img/default_avatar.png", isOnline: true };
const message = {
  id: MESSAGE,
  content: "hi 😀",
  createdAt: "2025-03-01T10:20:30.123Z",
  isRead: false,
  isLiked: true,
  sender: { username: "alice" },
};

/** JSON text, so that key order counts. */
const json = (value: unknown) => JSON.stringify(value);

describe("frames", () => {
  it("new_message: the legacy keys, <iso-py> date, the client timestamp verbatim", () => {
    const frames = chatFrames({
      __typename: "MessageSentEvent",
      message: { ...message, chatId: CHAT, chatKind: "DIRECT", kind: "TEXT", clientTimestamp: " 1740824430123 ✓ " },
    });
    expect(json(frames)).toBe(
      json([
        {
          action: "new_message",
          data: {
            chat_id: CHAT,
            id: MESSAGE,
            content: "hi 😀",
            date: "2025-03-01T10:20:30.123000+00:00",
            sender: "alice",
            is_read: false,
            is_liked: false,
            timestamp: " 1740824430123 ✓ ",
          },
        },
      ]),
    );
  });

  it("new_message from a client that sent no timestamp: an empty string, whole seconds without a fraction", () => {
    const [frame] = chatFrames({
      __typename: "MessageSentEvent",
      message: {
        ...message,
        createdAt: "2025-03-01T10:20:30.000Z",
        chatId: CHAT,
        chatKind: "DIRECT",
        kind: "TEXT",
        clientTimestamp: null,
      },
    });
    expect(frame).toMatchObject({ data: { date: "2025-03-01T10:20:30+00:00", timestamp: "" } });
  });

  it("group chats and system messages make no frame", () => {
    for (const [chatKind, kind] of [
      ["GROUP", "TEXT"],
      ["GROUP", "SYSTEM"],
      ["DIRECT", "SYSTEM"],
    ] as const) {
      const sent = { ...message, chatId: CHAT, chatKind, kind, clientTimestamp: "t" };
      expect(chatFrames({ __typename: "MessageSentEvent", message: sent })).toEqual([]);
    }
  });

  it("like and unlike are both like_message, with is_liked", () => {
    for (const liked of [true, false]) {
      const frames = chatFrames({ __typename: "MessageLikedEvent", chatId: CHAT, messageId: MESSAGE, liked });
      expect(json(frames)).toBe(
        json([{ action: "like_message", data: { id: MESSAGE, chat_id: CHAT, is_liked: liked } }]),
      );
    }
  });

  it("reads, typing and the stream's ready mark make no frame", () => {
    for (const __typename of ["MessageReadEvent", "TypingEvent", "StreamReadyEvent"] as const) {
      expect(chatFrames({ __typename })).toEqual([]);
    }
  });
});

describe("bodies", () => {
  const legacyMessage = {
    content: "hi 😀",
    date: "2025-03-01T10:20:30.123Z",
    sender: "alice",
    is_read: false,
    is_liked: true,
    id: MESSAGE,
  };
  const base = {
    chat_id: CHAT,
    username: "bob",
    nickname: "Bobby",
    avatar: "/img/default_avatar.png",
    is_online: true,
    is_blocked_user: true,
    is_blocked_by_user: false,
  };

  it("ChatMessage: <iso-http> date, sender by username", () => {
    expect(json(chatMessage(message))).toBe(json(legacyMessage));
  });

  it("ChatPreview: ChatBase about the other participant, unread count, last message or null", () => {
    const chat = { id: CHAT, isBlockedByMe: true, hasBlockedMe: false, peer, unreadCount: 3 };
    expect(json(chatPreview({ ...chat, lastMessage: message }))).toBe(
      json({ ...base, unread_messages_count: 3, last_message: legacyMessage }),
    );
    expect(json(chatPreview({ ...chat, lastMessage: null }))).toBe(
      json({ ...base, unread_messages_count: 3, last_message: null }),
    );
  });

  it("the chat of PUT /api/chats/{username}: ChatBase and its messages", () => {
    const chat = { id: CHAT, isBlockedByMe: true, hasBlockedMe: false, peer, messages: { nodes: [message] } };
    expect(json(chatWithMessages(chat))).toBe(json({ ...base, messages: [legacyMessage] }));
  });
});
