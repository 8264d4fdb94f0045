// Delivery and read receipts over real HTTP and a real graphql-ws client, in both modes: positions move forward
// only, statuses and counts derive from them, refusals, DeliveryEvents live and coalesced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientOf,
  EventQueue,
  GENEROUS_RATE_LIMITS,
  openChat,
  SEND,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

let server: TestServer;
/** strict limits: 1 DeliveryEvent per chat a second, 6 markDelivered a minute */
let strict: TestServer;
const { users, as, refused } = clientOf(() => server);
const onStrict = clientOf(() => strict);

beforeAll(async () => {
  [server, strict] = await Promise.all([
    startServer(),
    startServer({
      config: {
        rateLimits: {
          ...GENEROUS_RATE_LIMITS,
          delivery: { points: 6, duration: 60 },
          deliveryEvent: { points: 1, duration: 1 },
        },
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), strict?.stop()]);
});

const DELIVERED = `mutation($c: ID!, $u: String) { markDelivered(chatId: $c, upTo: $u) { chatId deliveredCursor readCursor } }`;
const READ = `mutation($c: ID!, $u: String) { markChatRead(chatId: $c, upTo: $u) { id } }`;
const STATUSES = `query($c: ID!) { chat(id: $c) { messages(first: 20) { nodes { content status
  receipts { deliveredCount readCount } } } } }`;
const WHO = `query($c: ID!, $after: String, $first: Int, $offset: Int) { chat(id: $c) { messages(after: $after, first: 1) { nodes { receipts {
  members(first: $first, offset: $offset) { totalCount hasNextPage nodes { user { username } delivered read } } } } } } }`;
const EVENTS = `subscription { chatEvents { __typename
  ... on DeliveryEvent { chatId byUserId deliveredCursor readCursor }
  ... on MessageSentEvent { message { content status receipts { deliveredCount readCount } } }
} }`;

type Client = ReturnType<typeof clientOf>;

async function direct(client: Client = { users, as, refused }, on: TestServer = server) {
  const [alice, bob] = await client.users(2);
  const chatId = await openChat(on, alice, bob.username);
  const cursors: string[] = [];
  for (const text of ["one", "two", "three"]) {
    cursors.push((await client.as(alice, SEND, { c: chatId, t: text })).sendMessage.cursor);
  }
  return { alice, bob, chatId, cursors };
}

/** Oldest first: [content, status, delivered, read] as `viewer` sees them. */
async function statuses(viewer: TestUser, chatId: string) {
  const nodes = (await as(viewer, STATUSES, { c: chatId })).chat.messages.nodes as {
    content: string;
    status: string | null;
    receipts: { deliveredCount: number; readCount: number };
  }[];
  return nodes
    .reverse()
    .map((node) => [node.content, node.status, node.receipts.deliveredCount, node.receipts.readCount]);
}

async function listen(on: TestServer, user: TestUser) {
  const client = wsClient(on, user);
  const queue = new EventQueue(client, EVENTS);
  await queue.ready();
  return { next: async (ms?: number) => (await queue.next(ms)).chatEvents, close: () => client.dispose() };
}

describe("a DIRECT chat", () => {
  it("shows my messages SENT → DELIVERED → READ, forward only; others' messages have no status", async () => {
    const { alice, bob, chatId, cursors } = await direct();
    expect(await statuses(alice, chatId)).toEqual([
      ["one", "SENT", 0, 0],
      ["two", "SENT", 0, 0],
      ["three", "SENT", 0, 0],
    ]);
    expect((await as(bob, DELIVERED, { c: chatId, u: cursors[1] })).markDelivered).toEqual({
      chatId,
      deliveredCursor: cursors[1],
      readCursor: "0",
    });
    await as(bob, DELIVERED, { c: chatId, u: cursors[0] }); // backwards: no change
    await as(bob, READ, { c: chatId, u: cursors[0] });
    expect(await statuses(alice, chatId)).toEqual([
      ["one", "READ", 1, 1],
      ["two", "DELIVERED", 1, 0],
      ["three", "SENT", 0, 0],
    ]);
    expect((await statuses(bob, chatId)).map(([, status]) => status)).toEqual([null, null, null]);

    // past the newest message: up to the newest message
    expect((await as(bob, DELIVERED, { c: chatId, u: "999999" })).markDelivered.deliveredCursor).toBe(cursors[2]);
    expect((await statuses(alice, chatId)).map(([, status]) => status)).toEqual(["READ", "DELIVERED", "DELIVERED"]);
    await as(bob, READ, { c: chatId });
    expect((await statuses(alice, chatId)).map(([, status]) => status)).toEqual(["READ", "READ", "READ"]);
  });

  it("is FORBIDDEN to a non-member, NOT_FOUND for an unknown chat, BAD_USER_INPUT for a bad cursor", async () => {
    const { alice, chatId } = await direct();
    const [carol] = await users(1);
    await refused(carol, DELIVERED, { c: chatId }, "FORBIDDEN");
    await refused(alice, DELIVERED, { c: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND");
    const error = await refused(alice, DELIVERED, { c: chatId, u: "-1" }, "BAD_USER_INPUT");
    expect(error?.message).toMatch("upTo");
  });
});

describe("a GROUP", () => {
  it("counts delivered and read among the members at the time of sending, and lists who, readers first", async () => {
    const [owner, ann, ben, cid, late] = await users(5);
    const group = await server.app.services.groups.createGroup(
      owner.id,
      "club",
      [ann, ben, cid].map((u) => u.username),
    );
    const sent = (await as(owner, SEND, { c: group.id, t: "hello all" })).sendMessage;
    await as(ann, READ, { c: group.id });
    await as(ben, DELIVERED, { c: group.id, u: sent.cursor });
    await server.app.services.groups.addMembers(owner.id, group.id, [late.username]);
    await as(late, READ, { c: group.id }); // joined after: no recipient of it
    const mine = (await statuses(owner, group.id)).find(([content]) => content === "hello all");
    expect(mine).toEqual(["hello all", "SENT", 2, 1]);

    const who = async (first: number, offset: number) =>
      (await as(owner, WHO, { c: group.id, after: String(Number(sent.cursor) - 1), first, offset })).chat.messages
        .nodes[0].receipts.members;
    const page = await who(2, 0);
    expect(page).toMatchObject({ totalCount: 3, hasNextPage: true });
    expect(page.nodes).toEqual([
      { user: { username: ann.username }, delivered: true, read: true },
      { user: { username: ben.username }, delivered: true, read: false },
    ]);
    expect((await who(2, 2)).nodes).toEqual([{ user: { username: cid.username }, delivered: false, read: false }]);

    await as(cid, READ, { c: group.id });
    await as(ben, READ, { c: group.id });
    expect((await statuses(owner, group.id)).find(([content]) => content === "hello all")).toEqual([
      "hello all",
      "READ",
      3,
      3,
    ]);
  });
});

describe("DeliveryEvent", () => {
  it("reaches every member when a position moves, and not when it stays", async () => {
    const { alice, bob, chatId, cursors } = await direct();
    const [a, b] = [await listen(server, alice), await listen(server, bob)];
    await as(bob, DELIVERED, { c: chatId, u: cursors[0] });
    const event = { __typename: "DeliveryEvent", chatId, byUserId: bob.id, readCursor: "0" };
    for (const socket of [a, b]) expect(await socket.next()).toEqual({ ...event, deliveredCursor: cursors[0] });
    await as(bob, DELIVERED, { c: chatId, u: cursors[0] }); // no move, no event
    await as(bob, DELIVERED, { c: chatId });
    for (const socket of [a, b]) expect(await socket.next()).toEqual({ ...event, deliveredCursor: cursors[2] });
    await as(alice, SEND, { c: chatId, t: "four" });
    expect(await a.next()).toEqual({
      __typename: "MessageSentEvent",
      message: { content: "four", status: "SENT", receipts: { deliveredCount: 0, readCount: 0 } },
    });
    await Promise.all([a.close(), b.close()]);
  });

  it("a burst goes out as the first move at once and the latest one after the window, nothing between", async () => {
    const { alice, bob, chatId, cursors } = await direct(onStrict, strict);
    const a = await listen(strict, alice);
    for (const cursor of cursors) await onStrict.as(bob, DELIVERED, { c: chatId, u: cursor });
    expect((await a.next()).deliveredCursor).toBe(cursors[0]);
    expect((await a.next(3000)).deliveredCursor).toBe(cursors[2]); // the trailing announcement
    await onStrict.as(alice, SEND, { c: chatId, t: "marker" });
    expect((await a.next()).__typename).toBe("MessageSentEvent");
    await a.close();
  });

  it("markDelivered beyond its rate is RATE_LIMITED and moves nothing", async () => {
    const [alice, bob] = await onStrict.users(2);
    const chatId = await openChat(strict, alice, bob.username);
    const cursor = (await onStrict.as(alice, SEND, { c: chatId, t: "x" })).sendMessage.cursor;
    for (let i = 0; i < 6; i++) await onStrict.as(bob, DELIVERED, { c: chatId, u: "0" });
    await onStrict.refused(bob, DELIVERED, { c: chatId, u: cursor }, "RATE_LIMITED");
    const member = await strict.app.prisma.chatMember.findFirstOrThrow({ where: { chatId, userId: bob.id } });
    expect(member.deliveredSeq).toBe(0);
  });
});
