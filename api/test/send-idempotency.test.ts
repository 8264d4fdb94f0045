// sendMessage(clientMessageId:): a retried send never stores a message twice nor publishes a second event,
// also when the repeats race each other (in one batch, or in concurrent batches on PostgreSQL).
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CHAT_EVENTS,
  clientOf,
  EventQueue,
  gql,
  openChat,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

let server: TestServer;
const client = clientOf(() => server);

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const SEND_KEYED = `mutation($c: ID!, $t: String!, $k: String) {
  sendMessage(chatId: $c, content: $t, clientMessageId: $k) { id cursor content }
}`;
const COUNT = `query($c: ID!) { chat(id: $c) { messages(first: 100) { totalCount nodes { content } } } }`;

async function chatOf(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = await client.users(2);
  return { alice, bob, chatId: await openChat(server, alice, bob.username) };
}

/** The next events are exactly `contents`, in order: a duplicate event fails (the sentinel comes last). */
async function expectEvents(queue: EventQueue, contents: string[]) {
  for (const content of contents) {
    const event = await queue.next();
    expect(event.chatEvents.message?.content).toBe(content);
  }
}

it("a repeat returns the stored message, stores nothing more and publishes nothing", async () => {
  const { alice, bob, chatId } = await chatOf();
  const events = new EventQueue(wsClient(server, bob), CHAT_EVENTS);
  await events.ready();
  const first = await client.as(alice, SEND_KEYED, { c: chatId, t: "hello", k: "k-1" });
  const again = await client.as(alice, SEND_KEYED, { c: chatId, t: "hello", k: "k-1" });
  expect(again.sendMessage).toEqual(first.sendMessage);
  await client.as(alice, SEND_KEYED, { c: chatId, t: "sentinel", k: "k-2" });
  await expectEvents(events, ["hello", "sentinel"]);
  const history = await client.as(bob, COUNT, { c: chatId });
  expect(history.chat.messages.totalCount).toBe(2);
  events.dispose();
});

it("20 concurrent repeats store one message, all answer with it, and one event goes out", async () => {
  const { alice, bob, chatId } = await chatOf();
  const events = new EventQueue(wsClient(server, bob), CHAT_EVENTS);
  await events.ready();
  // other senders' messages in the same batches: a duplicate must fail no one else's send
  const results = await Promise.all([
    ...Array.from({ length: 20 }, () => gql(server, SEND_KEYED, { c: chatId, t: "once", k: "race" }, alice)),
    ...Array.from({ length: 5 }, (_, i) => gql(server, SEND_KEYED, { c: chatId, t: `bob ${i}`, k: `b${i}` }, bob)),
  ]);
  for (const result of results) expect(result.errors).toBeUndefined();
  const ids = new Set(results.slice(0, 20).map((result) => result.data?.sendMessage.id));
  expect(ids.size).toBe(1);
  const history = await client.as(bob, COUNT, { c: chatId });
  expect(history.chat.messages.totalCount).toBe(6);
  await client.as(alice, SEND_KEYED, { c: chatId, t: "sentinel", k: null });
  const seen: string[] = [];
  for (let i = 0; i < 7; i++) seen.push((await events.next()).chatEvents.message.content);
  expect(seen.filter((content) => content === "once")).toHaveLength(1);
  expect(seen.at(-1)).toBe("sentinel");
  events.dispose();
});

it("keys are per sender; a key reused in another chat is a CONFLICT", async () => {
  const { alice, bob, chatId } = await chatOf();
  const mine = await client.as(alice, SEND_KEYED, { c: chatId, t: "from alice", k: "shared" });
  const theirs = await client.as(bob, SEND_KEYED, { c: chatId, t: "from bob", k: "shared" });
  expect(theirs.sendMessage.id).not.toBe(mine.sendMessage.id);
  const [carol] = await client.users(1);
  const other = await openChat(server, alice, carol.username);
  await client.refused(alice, SEND_KEYED, { c: other, t: "elsewhere", k: "shared" }, "CONFLICT");
  const history = await client.as(alice, COUNT, { c: other });
  expect(history.chat.messages.totalCount).toBe(0);
});

it("refuses an empty, too long or control-character key and stores nothing", async () => {
  const { alice, chatId } = await chatOf();
  for (const k of ["", "x".repeat(65), "a\u0000b", "tab\there", "\ud800"]) {
    const error = await client.refused(alice, SEND_KEYED, { c: chatId, t: "never", k }, "BAD_USER_INPUT");
    expect(error?.extensions?.field).toBe("clientMessageId");
  }
  await client.as(alice, SEND_KEYED, { c: chatId, t: "ok", k: "x".repeat(64) });
  const history = await client.as(alice, COUNT, { c: chatId });
  expect(history.chat.messages.nodes.map((node: { content: string }) => node.content)).toEqual(["ok"]);
});
