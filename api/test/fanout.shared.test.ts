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
  aliceOnOne.dispose();
  bobOnTwo.dispose();
});
