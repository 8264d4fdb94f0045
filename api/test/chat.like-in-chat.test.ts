// setMessageLiked(chatId:): a like that names a chat likes only a message of that chat (the legacy bridge's
// like_message carries both ids; legacy itself never compared them).
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CHAT_EVENTS,
  codeOf,
  EventQueue,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  wsClient,
} from "./harness.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const LIKE = `mutation($m: ID!, $l: Boolean!, $c: ID) {
  setMessageLiked(messageId: $m, liked: $l, chatId: $c) { id isLiked }
}`;
const LIKED = `query($c: ID!) { chat(id: $c) { messages(first: 10) { nodes { id isLiked } } } }`;

it("likes nothing and publishes nothing when the message is in another chat than the one named", async () => {
  const [a, b, c] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
  const chatAB = await openChat(server, a, b.username);
  const chatCB = await openChat(server, c, b.username);
  const sent = await gql(server, SEND, { c: chatAB, t: "from a" }, a);
  const messageId: string = sent.data?.sendMessage.id;
  const client = wsClient(server, b);
  const events = new EventQueue(client, CHAT_EVENTS);
  await events.ready();

  // b is in both chats, yet naming chat c–b for a message of chat a–b likes nothing
  const refused = await gql(server, LIKE, { m: messageId, l: true, c: chatCB }, b);
  expect(codeOf(refused)).toBe("NOT_FOUND");
  expect(refused.data).toBeNull();
  const stored = await gql(server, LIKED, { c: chatAB }, a);
  expect(stored.data?.chat.messages.nodes).toEqual([{ id: messageId, isLiked: false }]);

  // its own chat, in any case, likes it: and this is the first event b's socket gets
  const liked = await gql(server, LIKE, { m: messageId, l: true, c: chatAB.toUpperCase() }, b);
  expect(liked.errors).toBeUndefined();
  expect(liked.data?.setMessageLiked).toEqual({ id: messageId, isLiked: true });
  expect(await events.next()).toEqual({
    chatEvents: { __typename: "MessageLikedEvent", chatId: chatAB, messageId, liked: true, byUserId: b.id },
  });
  events.dispose();
  await client.dispose();
});

it("without chatId a like works as before", async () => {
  const [a, b] = await Promise.all([signUp(server), signUp(server)]);
  const chatId = await openChat(server, a, b.username);
  const sent = await gql(server, SEND, { c: chatId, t: "x" }, a);
  const liked = await gql(server, LIKE, { m: sent.data?.sendMessage.id, l: true }, b);
  expect(liked.data?.setMessageLiked.isLiked).toBe(true);
});
