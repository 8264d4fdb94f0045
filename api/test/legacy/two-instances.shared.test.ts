// Two app instances on one PostgreSQL and one Redis: legacy clients on one, legacy or GraphQL clients on the other.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CHAT_EVENTS,
  createTestDatabase,
  EventQueue,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestDatabase,
  type TestServer,
  wsClient,
} from "../harness.ts";
import { LegacyHttp } from "./cookie-jar.ts";
import { connectLegacy } from "./legacy-client.ts";

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

const originOf = (server: TestServer) => new URL(server.url).origin;

/** Signs up over the legacy HTTP API of `server`: the jar holds the session cookies. */
async function legacyAccount(server: TestServer) {
  const http = new LegacyHttp(originOf(server));
  const username = `two${randomBytes(4).toString("hex")}`;
  await http.signUp(username);
  return { http, username, cookie: () => [...http.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
}

it("a session made on one instance is good on the other, and a frame sent on one reaches sockets on both", async () => {
  const alice = await legacyAccount(one);
  const bob = await legacyAccount(two);
  // alice's cookies from instance one, used on instance two
  const elsewhere = new LegacyHttp(originOf(two));
  for (const [name, value] of alice.http.cookies) elsewhere.cookies.set(name, value);
  expect((await elsewhere.get("/api/self")).body.username).toBe(alice.username);
  const opened = await gql(
    two,
    "mutation($u: String!) { openChat(username: $u) { chat { id } } }",
    { u: bob.username },
    {
      cookie: alice.cookie(),
    },
  );
  const chatId: string = opened.data?.openChat.chat.id;

  const aliceOnOne = await connectLegacy(one, { cookie: alice.cookie() });
  const bobOnTwo = await connectLegacy(two, { cookie: bob.cookie() });
  aliceOnOne.send({ action: "new_message", data: { chat_id: chatId, content: "across", timestamp: "t-1" } });
  for (const socket of [bobOnTwo, aliceOnOne]) {
    const frame = await socket.nextOf("new_message");
    expect(frame.data).toMatchObject({ chat_id: chatId, content: "across", sender: alice.username, timestamp: "t-1" });
  }
  await bobOnTwo.expectNone(300, "new_message"); // exactly once
  await Promise.all([aliceOnOne.close(), bobOnTwo.close()]);
});

it("a legacy client on one instance and a GraphQL client on the other chat both ways", async () => {
  const legacy = await legacyAccount(one);
  const graphql = await signUp(two);
  const chatId = await openChat(two, graphql, legacy.username);
  const socket = await connectLegacy(one, { cookie: legacy.cookie() });
  const events = new EventQueue(wsClient(two, graphql), CHAT_EVENTS);
  await events.ready();

  socket.send({ action: "new_message", data: { chat_id: chatId, content: "from legacy", timestamp: "L1" } });
  const received = await events.next();
  expect(received.chatEvents.message).toMatchObject({
    content: "from legacy",
    clientTimestamp: "L1",
    sender: { username: legacy.username },
  });
  expect((await socket.nextOf("new_message")).data).toMatchObject({ content: "from legacy", timestamp: "L1" });

  const sent = await gql(two, SEND, { c: chatId, t: "from graphql", ts: "G1" }, graphql);
  expect(sent.errors).toBeUndefined();
  const frame = await socket.nextOf("new_message");
  expect(frame.data).toMatchObject({
    chat_id: chatId,
    id: sent.data?.sendMessage.id,
    content: "from graphql",
    sender: graphql.username,
    is_read: false,
    is_liked: false,
    timestamp: "G1",
  });
  events.dispose();
  await socket.close();
});
