// Two app instances on one PostgreSQL and one Redis: events cross instances, once.
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
} from "./harness.ts";

let database: TestDatabase;
let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [await startServer({ database }), await startServer({ database })];
});
afterAll(async () => {
  await one.stop();
  await two.stop();
  await database.drop();
});

it("a message sent through one instance reaches subscribers on both, exactly once", async () => {
  const alice = await signUp(one);
  const bob = await signUp(two);
  const chatId = await openChat(two, bob, alice.username);
  const bobOnOne = new EventQueue(wsClient(one, bob), CHAT_EVENTS);
  const aliceOnOne = new EventQueue(wsClient(one, alice), CHAT_EVENTS);
  await Promise.all([bobOnOne.ready(), aliceOnOne.ready()]);

  for (const content of ["first", "second"]) {
    const sent = await gql(two, SEND, { c: chatId, t: content }, alice);
    expect(sent.errors).toBeUndefined();
  }
  for (const queue of [bobOnOne, aliceOnOne]) {
    // "second" right after "first": the first was not delivered twice
    expect((await queue.next()).chatEvents.message.content).toBe("first");
    expect((await queue.next()).chatEvents.message.content).toBe("second");
  }
  const history = await gql(one, `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`, { c: chatId }, bob);
  expect(history.data?.chat.messages.totalCount).toBe(2);
  bobOnOne.dispose();
  aliceOnOne.dispose();
});
