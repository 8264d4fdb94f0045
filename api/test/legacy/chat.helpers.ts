// Legacy chat users for the chat tests: signed up over the legacy HTTP API, each with its cookie jar, tabs
// (legacy sockets) opened with that jar, and the chat helpers the frontend's calls amount to.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { gql, SEND } from "../harness.ts";
import { LegacyHttp } from "./cookie-jar.ts";
import { connectLegacy, type LegacyFrame, type LegacySocket } from "./legacy-client.ts";

export interface ChatUser {
  username: string;
  http: LegacyHttp;
  /** opens a /ws/events/ socket (a tab) with this user's cookies, on `on` (default: the sign-up's server) */
  connect(on?: { url: string }): Promise<LegacySocket>;
}

let counter = 0;

export async function chatUser(server: { url: string }, prefix = "chat"): Promise<ChatUser> {
  const origin = new URL(server.url).origin;
  const http = new LegacyHttp(origin);
  const username = `${prefix}${++counter}_${randomBytes(3).toString("hex")}`;
  await http.signUp(username);
  const cookie = () => [...http.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return { username, http, connect: (on = server) => connectLegacy(on, { cookie: cookie() }) };
}

type Users<N extends number, R extends ChatUser[] = []> = R["length"] extends N ? R : Users<N, [...R, ChatUser]>;

export const chatUsers = <N extends number>(server: { url: string }, count: N) =>
  Promise.all(Array.from({ length: count }, () => chatUser(server))) as Promise<Users<N>>;

/** PUT /api/chats/{username}: the chat id. */
export async function openChat(user: ChatUser, peer: ChatUser): Promise<string> {
  const response = await user.http.put(`/api/chats/${peer.username}`);
  expect([200, 201]).toContain(response.status);
  return response.body.chat_id;
}

/** GET /api/chats/{peer}/messages, insisting on a 200. */
export async function messagesOf(user: ChatUser, peer: ChatUser, query = "limit=100") {
  const response = await user.http.get(`/api/chats/${peer.username}/messages?${query}`);
  expect(response.status).toBe(200);
  return response.body as { items: LegacyMessage[]; count: number };
}

export interface LegacyMessage {
  content: string;
  date: string;
  sender: string;
  is_read: boolean;
  is_liked: boolean;
  id: string;
}

export const newMessage = (chatId: string, content: string, timestamp: string) => ({
  action: "new_message",
  data: { chat_id: chatId, content, timestamp },
});

/**
 * Sends a message from `socket` and returns its echo there (the frame every socket of both users gets); chat
 * frames of other chats' messages before it are skipped.
 */
export async function sendOn(socket: LegacySocket, chatId: string, content: string, timestamp = `ts-${content}`) {
  socket.send(newMessage(chatId, content, timestamp));
  for (;;) {
    const frame = await nextChatFrame(socket);
    if (frame.action === "new_message" && frame.data?.timestamp === timestamp && frame.data.content === content) {
      return frame.data;
    }
  }
}

const CHAT_FRAMES = new Set(["new_message", "like_message"]);

/** The next chat frame (new_message or like_message) of a socket: presence and other frames are skipped. */
export async function nextChatFrame(socket: LegacySocket): Promise<LegacyFrame> {
  for (;;) {
    const frame = await socket.next();
    if (CHAT_FRAMES.has(frame.action)) return frame;
  }
}

/** The next chat frame of each socket. */
export const nextOfEach = (sockets: LegacySocket[]): Promise<LegacyFrame[]> => Promise.all(sockets.map(nextChatFrame));

export const closeAll = (sockets: LegacySocket[]) => Promise.all(sockets.map((socket) => socket.close()));

/** `<iso-py>` → the `<iso-http>` of the same instant (ms cut, Z; no fraction when zero, like Django). */
export function httpDateOf(isoPy: string): string {
  const match = /^(.{19})(?:\.(\d{6}))?\+00:00$/.exec(isoPy);
  if (!match) throw new Error(`not <iso-py>: ${isoPy}`);
  return match[2] ? `${match[1]}.${match[2].slice(0, 3)}Z` : `${match[1]}Z`;
}

export const ISO_PY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;
export const ISO_HTTP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

/** A GraphQL client's send (the same API a legacy socket's new_message runs): to fill chats quickly. */
export async function sendAsGraphql(server: { url: string }, user: ChatUser, chatId: string, content: string) {
  const result = await gql(server, SEND, { c: chatId, t: content }, { token: user.http.cookies.get("access_token") });
  expect(result.errors).toBeUndefined();
  return result.data?.sendMessage as { id: string };
}
