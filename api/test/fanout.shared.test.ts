// Two app instances on one PostgreSQL and one Redis: events cross instances, once.
// (Presence across instances: presence.shared.test.ts.)
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

/** Nothing more arrives within `quietMs`: a late duplicate fails the test. */
async function expectNothingMore(queue: EventQueue, quietMs = 500): Promise<void> {
  await expect(queue.next(quietMs)).rejects.toThrow("timed out waiting for a subscription event");
}

it("a message sent through one instance reaches subscribers on both, exactly once", async () => {
  const alice = await signUp(one);
  const bob = await signUp(two);
  const chatId = await openChat(two, bob, alice.username);
  // Sent through `two`: subscribers on the other instance and on the sending one, each side of the chat.
  const queues = [
    new EventQueue(wsClient(one, bob), CHAT_EVENTS),
    new EventQueue(wsClient(one, alice), CHAT_EVENTS),
    new EventQueue(wsClient(two, bob), CHAT_EVENTS),
    new EventQueue(wsClient(two, alice), CHAT_EVENTS),
  ];
  await Promise.all(queues.map((queue) => queue.ready()));

  const sent = [];
  for (const content of ["first", "second", "third"]) {
    const result = await gql(two, SEND, { c: chatId, t: content }, alice);
    expect(result.errors).toBeUndefined();
    sent.push(result.data?.sendMessage.id);
  }
  for (const queue of queues) {
    const received = [await queue.next(), await queue.next(), await queue.next()];
    expect(received.map((event) => event.chatEvents.message.id)).toEqual(sent); // in order, none twice
  }
  await Promise.all(queues.map((queue) => expectNothingMore(queue)));
  const history = await gql(one, `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`, { c: chatId }, bob);
  expect(history.data?.chat.messages.totalCount).toBe(3);
  for (const queue of queues) queue.dispose();
});

it("a group message and a group change reach the members on the other instance, once each", async () => {
  const [owner, bob, carol] = [await signUp(one), await signUp(two), await signUp(two)];
  const created = await gql(
    one,
    `mutation($u: [String!]!) { createGroup(title: "across", usernames: $u) { id } }`,
    { u: [bob.username, carol.username] },
    owner,
  );
  const chatId = created.data?.createGroup.id;
  const GROUP_EVENTS = `subscription { chatEvents { __typename
    ... on MessageSentEvent { message { id content } }
    ... on GroupChangedEvent { removedMe message { system { action } } }
  } }`;
  const queues = [wsClient(two, bob), wsClient(two, carol), wsClient(one, carol)].map(
    (client) => new EventQueue(client, GROUP_EVENTS),
  );
  await Promise.all(queues.map((queue) => queue.ready()));
  const sent = await gql(one, SEND, { c: chatId, t: "to the group" }, owner);
  expect(sent.errors).toBeUndefined();
  const removed = await gql(
    one,
    `mutation($c: ID!, $u: String!) { removeMember(chatId: $c, username: $u) { id } }`,
    { c: chatId, u: bob.username },
    owner,
  );
  expect(removed.errors).toBeUndefined();
  for (const [index, queue] of queues.entries()) {
    expect((await queue.next()).chatEvents.message).toEqual({ id: sent.data?.sendMessage.id, content: "to the group" });
    expect((await queue.next()).chatEvents).toMatchObject({
      __typename: "GroupChangedEvent",
      removedMe: index === 0,
      message: { system: { action: "MEMBER_REMOVED" } },
    });
  }
  await Promise.all(queues.map((queue) => expectNothingMore(queue)));
  for (const queue of queues) queue.dispose();
});

it("a duel invitation and its acceptance cross instances", async () => {
  const alice = await signUp(one);
  const bob = await signUp(two);
  const INVITATION_EVENTS = `subscription { invitationEvents {
    __typename
    ... on InvitationReceivedEvent { invitation { id inviter { username } } }
    ... on InvitationAcceptedEvent { gameId opponent { username } }
  } }`;
  const aliceOnOne = new EventQueue(wsClient(one, alice), INVITATION_EVENTS);
  const bobOnTwo = new EventQueue(wsClient(two, bob), INVITATION_EVENTS);
  for (const queue of [aliceOnOne, bobOnTwo]) {
    expect((await queue.next()).invitationEvents.__typename).toBe("StreamReadyEvent");
  }

  const invited = await gql(
    one,
    `mutation($u: String!) { inviteToDuel(username: $u) { id } }`,
    { u: bob.username },
    alice,
  );
  expect(invited.errors).toBeUndefined();
  const received = (await bobOnTwo.next()).invitationEvents;
  expect(received).toMatchObject({
    __typename: "InvitationReceivedEvent",
    invitation: { id: invited.data?.inviteToDuel.id, inviter: { username: alice.username } },
  });

  const reply = `mutation($u: String!) { replyToInvitation(username: $u, accept: true) { game { id } } }`;
  const accepted = await gql(two, reply, { u: alice.username }, bob);
  expect(accepted.errors).toBeUndefined();
  const gameId = accepted.data?.replyToInvitation.game.id;
  expect((await aliceOnOne.next()).invitationEvents).toEqual({
    __typename: "InvitationAcceptedEvent",
    gameId,
    opponent: { username: bob.username },
  });
  expect((await bobOnTwo.next()).invitationEvents).toEqual({
    __typename: "InvitationAcceptedEvent",
    gameId,
    opponent: { username: alice.username },
  });
  await Promise.all([expectNothingMore(aliceOnOne), expectNothingMore(bobOnTwo)]);
  aliceOnOne.dispose();
  bobOnTwo.dispose();
});
