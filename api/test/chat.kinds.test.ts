// chats(kind:) and Message.chatKind: a client that knows only one-to-one chats (the legacy bridge) lists and
// receives those alone.
import { afterAll, beforeAll, expect, it } from "vitest";
import { EventQueue, gql, openChat, SEND, signUp, startServer, type TestServer, wsClient } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

const CHATS = `query($kind: ChatKind) { chats(first: 10, kind: $kind) { totalCount nodes { id kind } } }`;
const SENT_KIND = `subscription { chatEvents { __typename ... on MessageSentEvent { message { content chatKind } } } }`;

it("lists only the chats of the kind asked for, counted alike, and tells each message's chat kind", async () => {
  const [alice, bob, carol] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
  const direct = await openChat(server, alice, bob.username);
  // a group, as the groups domain stores one (members are the participant rule)
  const group = await server.app.prisma.chat.create({
    data: {
      kind: "GROUP",
      title: "team",
      ownerId: alice.id,
      members: { create: [alice, bob, carol].map((user) => ({ userId: user.id })) },
    },
  });

  const all = await gql(server, CHATS, {}, alice);
  expect(all.data?.chats.totalCount).toBe(2);
  expect((await gql(server, CHATS, { kind: "DIRECT" }, alice)).data?.chats).toEqual({
    totalCount: 1,
    nodes: [{ id: direct, kind: "DIRECT" }],
  });
  expect((await gql(server, CHATS, { kind: "GROUP" }, alice)).data?.chats).toEqual({
    totalCount: 1,
    nodes: [{ id: group.id, kind: "GROUP" }],
  });

  const client = wsClient(server, bob);
  const events = new EventQueue(client, SENT_KIND);
  await events.ready();
  for (const [chatId, content] of [
    [group.id, "to the group"],
    [direct, "to bob"],
  ]) {
    expect((await gql(server, SEND, { c: chatId, t: content }, alice)).errors).toBeUndefined();
  }
  expect(await events.next()).toEqual({
    chatEvents: { __typename: "MessageSentEvent", message: { content: "to the group", chatKind: "GROUP" } },
  });
  expect(await events.next()).toEqual({
    chatEvents: { __typename: "MessageSentEvent", message: { content: "to bob", chatKind: "DIRECT" } },
  });
  events.dispose();
  await client.dispose();
});
