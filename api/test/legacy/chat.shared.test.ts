// The legacy chat across two instances on one PostgreSQL and one Redis: a legacy socket on one instance gets
// the frames of what is done on the other, and a legacy client and a GraphQL client chat in both directions.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CHAT_EVENTS,
  createTestDatabase,
  EventQueue,
  gql,
  SEND,
  startServer,
  type TestDatabase,
  type TestServer,
  wsClient,
} from "../harness.ts";
import { chatUser, closeAll, ISO_PY, messagesOf, newMessage, nextChatFrame, openChat, sendOn } from "./chat.helpers.ts";

let database: TestDatabase;
let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [await startServer({ database }), await startServer({ database })];
});
afterAll(async () => {
  await one?.stop();
  await two?.stop();
  await database?.drop();
});

it("frames cross instances, once, between legacy sockets and with a GraphQL client both ways", async () => {
  const alice = await chatUser(one);
  const bob = await chatUser(two);
  const chatId = await openChat(alice, bob); // on instance one
  const [a1, b2] = await Promise.all([alice.connect(one), bob.connect(two)]);
  const graphqlBob = wsClient(two, { token: bob.http.cookies.get("access_token") ?? "" });
  const bobEvents = new EventQueue(graphqlBob, CHAT_EVENTS);
  await bobEvents.ready();

  // legacy on one → legacy and GraphQL on two
  const sent = await sendOn(a1, chatId, "from one", "tab-a");
  const onTwo = await nextChatFrame(b2);
  expect(onTwo).toEqual({ action: "new_message", data: sent });
  expect(sent.date).toMatch(ISO_PY);
  expect(await bobEvents.next()).toMatchObject({
    chatEvents: { __typename: "MessageSentEvent", chatId, message: { id: sent.id, clientTimestamp: "tab-a" } },
  });

  // GraphQL on two → legacy on one (and the legacy tab on two)
  const reply = await gql(
    two,
    SEND,
    { c: chatId, t: "from graphql", ts: "gq-1" },
    { token: bob.http.cookies.get("access_token") },
  );
  expect(reply.errors).toBeUndefined();
  for (const socket of [a1, b2]) {
    expect((await nextChatFrame(socket)).data).toMatchObject({
      id: reply.data?.sendMessage.id,
      content: "from graphql",
      sender: bob.username,
      timestamp: "gq-1",
    });
  }

  // a like on two reaches one
  b2.send({ action: "like_message", data: { id: sent.id, chat_id: chatId } });
  const liked = { action: "like_message", data: { id: sent.id, chat_id: chatId, is_liked: true } };
  expect(await nextChatFrame(a1)).toEqual(liked);
  expect(await nextChatFrame(b2)).toEqual(liked);

  // exactly once: the next frame on each side is the next message
  a1.send(newMessage(chatId, "last", "tab-z"));
  for (const socket of [a1, b2]) expect((await nextChatFrame(socket)).data).toMatchObject({ content: "last" });
  expect((await messagesOf(bob, alice)).count).toBe(3);

  bobEvents.dispose();
  await graphqlBob.dispose();
  await closeAll([a1, b2]);
});
