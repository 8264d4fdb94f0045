// Query.message(id): one message for a member of its chat (fresh attachment URLs, reactions), nobody else.
import { afterAll, beforeAll, expect, it } from "vitest";
import { gql, openChat, signUp, startServer, type TestServer, type TestUser } from "./harness.ts";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let messageId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, carol] = [await signUp(server), await signUp(server), await signUp(server)];
  const chatId = await openChat(server, alice, bob.username);
  const sent = await gql(
    server,
    `mutation($c: ID!) { sendMessage(chatId: $c, content: "gg") { id } }`,
    { c: chatId },
    alice,
  );
  messageId = sent.data?.sendMessage.id;
  await gql(server, `mutation($m: ID!) { addReaction(messageId: $m, emoji: "🎉") { id } }`, { m: messageId }, bob);
});
afterAll(() => server.stop());

const MESSAGE = `query($id: ID!) { message(id: $id) { id content sender { username } reactions { emoji count reactedByMe } } }`;

it("gives a member the message as they see it", async () => {
  const seen = await gql(server, MESSAGE, { id: messageId }, bob);
  expect(seen.errors).toBeUndefined();
  expect(seen.data?.message).toEqual({
    id: messageId,
    content: "gg",
    sender: { username: alice.username },
    reactions: [{ emoji: "🎉", count: 1, reactedByMe: true }],
  });
});

it("refuses someone outside the chat, and names no message that does not exist", async () => {
  const outsider = await gql(server, MESSAGE, { id: messageId }, carol);
  expect(outsider.data).toBeNull();
  expect(outsider.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
    const missing = await gql(server, MESSAGE, { id }, alice);
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  }
});
