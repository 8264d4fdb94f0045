// Database queries per delivered event and per list, counted with Prisma query events (the way
// @pothos/plugin-prisma's own tests pin them). Every stream, with the selections real clients use:
// delivering one event to K sockets costs the same whatever K, and nothing once it is published.
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageState, publishChatEvent } from "../src/domains/chat/chat.events.ts";
import { publishInvitationEvent } from "../src/domains/invitations/invitations.events.ts";
import { publishNotificationEvent } from "../src/domains/notifications/notifications.events.ts";
import { publishPresence } from "../src/domains/presence/presence.events.ts";
import {
  clientOf,
  EventQueue,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";
import { mediaClient, png } from "./media.helpers.ts";
import { openSocket } from "./presence.helpers.ts";

let server: TestServer;
const queries: string[] = [];
const { users, as } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer({ queryEvents: true });
  server.app.prisma.$on("query", (event) => queries.push(event.query));
});
afterAll(async () => {
  await server?.stop();
});

/** Concurrent queries of one operation may finish in any order. */
const sorted = (list: string[]) => [...list].sort();

/** Queries run while `work` runs. */
async function counted(work: () => Promise<unknown>): Promise<string[]> {
  const start = queries.length;
  await work();
  return queries.slice(start);
}

interface Sockets {
  queues: EventQueue[];
  close(): Promise<void>;
}

/** `k` sockets of `user`, each with `subscription` live (its StreamReadyEvent received). */
async function subscribed(user: TestUser, k: number, subscription: string): Promise<Sockets> {
  const clients: Client[] = Array.from({ length: k }, () => wsClient(server, user));
  const queues = clients.map((client) => new EventQueue(client, subscription));
  for (const queue of queues) expect(field(await queue.next()).__typename).toBe("StreamReadyEvent");
  return {
    queues,
    async close() {
      for (const queue of queues) queue.dispose();
      await Promise.all(clients.map((client) => client.dispose()));
    },
  };
}

/** The subscription field of a result: `{ chatEvents: {...} }` → `{...}`. */
const field = (result: object) => Object.values(result)[0] as { __typename: string } & Record<string, any>;

/**
 * Runs `act` with `k` sockets of `receiver` subscribed; returns the queries run until every socket had the next
 * event, and that event as each socket saw it.
 */
async function deliveryTo(receiver: TestUser, k: number, subscription: string, act: () => Promise<unknown>) {
  const sockets = await subscribed(receiver, k, subscription);
  // Everyone involved is online already: no presence change (and its profile query) runs meanwhile.
  await server.app.services.presence.settled();
  let events: ReturnType<typeof field>[] = [];
  const run = await counted(async () => {
    await act();
    events = (await Promise.all(sockets.queues.map((queue) => queue.next()))).map(field);
  });
  await sockets.close();
  return { queries: run, events };
}

it("the counter sees queries (control)", async () => {
  const [alice] = await users(1);
  expect((await counted(() => as(alice, "{ me { id } }"))).length).toBeGreaterThan(0);
});

/** Two users who both made a request (so both are online, and stay so). */
async function pair(): Promise<[TestUser, TestUser]> {
  const [alice, bob] = await users(2);
  await Promise.all([as(alice, "{ me { id } }"), as(bob, "{ me { id } }")]);
  return [alice, bob];
}

const at = () => new Date().toISOString();
const PROFILE = "id username nickname avatar";

describe("chatEvents: a message with its sender's profile and chat id", () => {
  const CHAT = `subscription { chatEvents { __typename
    ... on MessageSentEvent { chatId message { id chatId cursor content clientTimestamp createdAt isRead isLiked
      sender { ${PROFILE} } } }
  } }`;

  it("a send costs the same whatever the number of sockets; a published message costs nothing", async () => {
    const [alice, bob] = await pair();
    const chatId = await openChat(server, bob, alice.username);
    const send = () => gql(server, SEND, { c: chatId, t: "hi" }, alice);
    const one = await deliveryTo(bob, 1, CHAT, send);
    const eight = await deliveryTo(bob, 8, CHAT, send);
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) {
      expect(event).toMatchObject({ chatId, message: { chatId, content: "hi", sender: { username: alice.username } } });
    }

    const message = await server.app.services.chat.lastMessage(bob.id, chatId);
    if (!message) throw new Error("no message");
    const published = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "MESSAGE_SENT",
        at: at(),
        chatId,
        message,
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ message: { id: message.id, sender: { id: alice.id } } });
  });
});

describe("chatEvents: a message with attachments and their signed URLs", () => {
  const CHAT = `subscription { chatEvents { __typename
    ... on MessageSentEvent { message { id content legacyContent sender { ${PROFILE} }
      attachments { id filename contentType size width height url thumbnailUrl } } }
  } }`;
  const SEND_FILES = 'mutation($c: ID!, $a: [ID!]) { sendMessage(chatId: $c, content: "", attachmentIds: $a) { id } }';
  const media = mediaClient(() => server);

  it("a send costs the same whatever the number of sockets; a published message costs nothing", async () => {
    const [alice, bob] = await pair();
    const chatId = await openChat(server, bob, alice.username);
    const files = [await media.upload(alice, chatId, await png()), await media.upload(alice, chatId, await png())];
    const [first, second] = files.map((file) => file.id);
    const one = await deliveryTo(bob, 1, CHAT, () => gql(server, SEND_FILES, { c: chatId, a: [first] }, alice));
    const eight = await deliveryTo(bob, 8, CHAT, () => gql(server, SEND_FILES, { c: chatId, a: [second] }, alice));
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) expect(event.message.attachments).toMatchObject([{ id: second, width: 64 }]);
    // the event carries the attachments: receivers never read them back
    const reads = eight.queries.filter((query) => /^SELECT/.test(query) && query.includes('"attachments"'));
    expect(reads).toEqual([]);

    const message = await server.app.services.chat.lastMessage(bob.id, chatId);
    if (!message) throw new Error("no message");
    const attachments = await server.app.services.media.attachmentsOf(message.id);
    const published = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "MESSAGE_SENT",
        at: at(),
        chatId,
        message: { ...message, attachments },
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]?.message.attachments).toMatchObject([{ id: second }]);
  });
});

describe("chatEvents in a group of 256 members: no query per member", () => {
  const GROUP_CHAT = `subscription { chatEvents { __typename
    ... on MessageSentEvent { chatId message { id chatId cursor kind content createdAt isRead senderBlockedByMe
      sender { ${PROFILE} } } }
  } }`;

  /** Members without sessions, straight into the database (signing up 256 users would take a while). */
  async function quietUsers(count: number): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `quiet${i}_${Math.random().toString(36).slice(2, 8)}`);
    await server.app.prisma.user.createMany({
      data: names.map((name) => ({
        username: name,
        usernameKey: name,
        email: `${name}@x.test`,
        nickname: name,
        nicknameKey: name,
        passwordHash: "x",
      })),
    });
    return names;
  }

  /** One socket for each of `listeners`; the queries run from the send until each socket had the message. */
  async function sendHeardBy(sender: TestUser, chatId: string, listeners: TestUser[]) {
    const sockets = await Promise.all(listeners.map((listener) => subscribed(listener, 1, GROUP_CHAT)));
    await server.app.services.presence.settled();
    let events: ReturnType<typeof field>[] = [];
    const run = await counted(async () => {
      await gql(server, SEND, { c: chatId, t: "to all" }, sender);
      events = (await Promise.all(sockets.map((socket) => socket.queues[0]?.next()))).map((event) =>
        field(event ?? {}),
      );
    });
    await Promise.all(sockets.map((socket) => socket.close()));
    return { queries: run, events };
  }

  it("a send costs the same whether 1 or 8 members listen, with the viewer's block flag", async () => {
    const [sender, ...listeners] = await users(9);
    await Promise.all([sender, ...listeners].map((user) => as(user, "{ me { id } }")));
    const quiet = await quietUsers(256 - 9);
    const usernames = [...listeners.map((user) => user.username), ...quiet];
    const group = await server.app.services.groups.createGroup(sender.id, "everyone", usernames);
    expect(await server.app.prisma.chatMember.count({ where: { chatId: group.id } })).toBe(256);
    await as(listeners[0] as TestUser, "mutation($u: String!) { blockUser(username: $u) { id } }", {
      u: sender.username,
    });

    const one = await sendHeardBy(sender, group.id, listeners.slice(0, 1));
    const eight = await sendHeardBy(sender, group.id, listeners);
    // one batch of block flags for the event, however many members listen (its OR list grows with them)
    const blockFlags = (queries: string[]) => queries.filter((query) => query.includes('"public"."blocks"'));
    expect(blockFlags(eight.queries)).toHaveLength(1);
    expect(blockFlags(one.queries)).toHaveLength(1);
    const others = (queries: string[]) => sorted(queries.filter((query) => !query.includes('"public"."blocks"')));
    expect(others(eight.queries)).toEqual(others(one.queries));
    expect(eight.events.map((event) => event.message.senderBlockedByMe)).toEqual([true, ...Array(7).fill(false)]);
    expect(eight.events.map((event) => event.message.isRead)).toEqual([true, ...Array(7).fill(false)]);
  });
});

describe("chatEvents: reactions, edits and deletes, with the reactions a client shows", () => {
  const CHAT = `subscription { chatEvents { __typename
    ... on MessageSentEvent { message { id content isLiked editedAt deletedAt reactions { emoji count reactedByMe } } }
    ... on ReactionEvent { chatId messageId emoji added byUserId reactions { emoji count reactedByMe } }
    ... on MessageEditedEvent { chatId messageId content editedAt byUserId }
    ... on MessageDeletedEvent { chatId messageId deletedAt byUserId }
  } }`;
  const REACT = "mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }";
  const EDIT = "mutation($m: ID!, $t: String!) { editMessage(messageId: $m, content: $t) { id } }";
  const DELETE = "mutation($m: ID!) { deleteMessage(messageId: $m) { id } }";

  async function message() {
    const [alice, bob] = await pair();
    const chatId = await openChat(server, bob, alice.username);
    const sent = await gql(server, SEND, { c: chatId, t: "hi" }, alice);
    return { alice, bob, chatId, messageId: sent.data?.sendMessage.id as string };
  }

  it("each costs the same whatever the number of sockets; a published one costs nothing", async () => {
    const emojis = ["👍", "🎉"];
    for (const [name, act] of [
      ["react", (m: string, user: TestUser, k: number) => as(user, REACT, { m, e: emojis[k === 1 ? 0 : 1] })],
      ["edit", (m: string, user: TestUser, k: number) => as(user, EDIT, { m, t: `edited ${k}` })],
      ["delete", (m: string, user: TestUser) => as(user, DELETE, { m })],
    ] as const) {
      const runs = [];
      for (const k of [1, 8]) {
        const { alice, bob, messageId } = await message();
        const actor = name === "react" ? bob : alice;
        runs.push(await deliveryTo(bob, k, CHAT, () => act(messageId, actor, k)));
      }
      const [one, eight] = runs as [Awaited<ReturnType<typeof deliveryTo>>, Awaited<ReturnType<typeof deliveryTo>>];
      expect({ name, queries: sorted(eight.queries).length }).toEqual({ name, queries: sorted(one.queries).length });
      expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    }

    const { alice, bob, chatId, messageId } = await message();
    const reaction = { emoji: "👍", count: 1, reactedByMe: true };
    const published = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "MESSAGE_REACTION",
        at: at(),
        chatId,
        messageId,
        emoji: "👍",
        added: true,
        byUserId: bob.id,
        reactions: [reaction],
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ messageId, reactions: [reaction] });

    const sent = await deliveryTo(bob, 8, CHAT, () => gql(server, SEND, { c: chatId, t: "fresh" }, alice));
    expect(sent.events[7]).toMatchObject({ message: { content: "fresh", reactions: [], isLiked: false } });
    const payload = await server.app.services.chat.lastMessage(bob.id, chatId);
    if (!payload) throw new Error("no message");
    const fresh = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "MESSAGE_SENT",
        at: at(),
        chatId,
        message: { ...payload, reactions: [] },
      }),
    );
    expect(fresh.queries).toEqual([]); // a new message's reactions come with it
  });

  it("a page's reactions and likes cost one batch, for 1 message as for 10", async () => {
    const PAGE = `query($c: ID!) { chat(id: $c) { messages(first: 20) { nodes { id isLiked
      reactions { emoji count reactedByMe } } } } }`;
    const LIKE = "mutation($m: ID!) { setMessageLiked(messageId: $m, liked: true) { id } }";
    async function pageOf(messages: number) {
      const [alice, bob] = await pair();
      const chatId = await openChat(server, bob, alice.username);
      for (let i = 0; i < messages; i++) {
        const sent = await gql(server, SEND, { c: chatId, t: `m${i}` }, alice);
        await as(bob, LIKE, { m: sent.data?.sendMessage.id });
        await as(alice, REACT, { m: sent.data?.sendMessage.id, e: "👍" });
      }
      await server.app.services.presence.settled();
      let page: any;
      const run = await counted(async () => {
        page = await as(bob, PAGE, { c: chatId });
      });
      return { queries: run, nodes: page.chat.messages.nodes };
    }
    const one = await pageOf(1);
    const ten = await pageOf(10);
    expect(ten.queries.length).toBe(one.queries.length);
    expect(ten.nodes).toHaveLength(10);
    for (const node of ten.nodes) {
      expect(node).toMatchObject({
        isLiked: true,
        reactions: [
          { emoji: "❤️", count: 1, reactedByMe: true },
          { emoji: "👍", count: 1, reactedByMe: false },
        ],
      });
    }
  });
});

describe("chatEvents and pages: receipts", () => {
  const CHAT = `subscription { chatEvents { __typename
    ... on MessageSentEvent { message { id status receipts { deliveredCount readCount } } }
    ... on DeliveryEvent { chatId byUserId deliveredCursor readCursor }
  } }`;
  const DELIVERED = "mutation($c: ID!) { markDelivered(chatId: $c) { deliveredCursor } }";

  it("a DeliveryEvent costs the same whatever the number of sockets; published ones and new messages nothing", async () => {
    const runs = [];
    for (const k of [1, 8]) {
      const [alice, bob] = await pair();
      const chatId = await openChat(server, bob, alice.username);
      await gql(server, SEND, { c: chatId, t: "hi" }, bob);
      runs.push(await deliveryTo(bob, k, CHAT, () => as(alice, DELIVERED, { c: chatId })));
    }
    const [one, eight] = runs as [Awaited<ReturnType<typeof deliveryTo>>, Awaited<ReturnType<typeof deliveryTo>>];
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    expect(eight.events[7]).toMatchObject({ __typename: "DeliveryEvent", deliveredCursor: "1" });

    const [alice, bob] = await pair();
    const chatId = await openChat(server, bob, alice.username);
    const published = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "DELIVERY",
        at: at(),
        chatId,
        byUserId: alice.id,
        deliveredSeq: 3,
        readSeq: 2,
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ deliveredCursor: "3", readCursor: "2" });

    await gql(server, SEND, { c: chatId, t: "first" }, bob);
    const payload = await server.app.services.chat.lastMessage(bob.id, chatId);
    if (!payload) throw new Error("no message");
    const fresh = await deliveryTo(bob, 8, CHAT, () =>
      publishChatEvent(server.app.bus, [bob.id], {
        kind: "MESSAGE_SENT",
        at: at(),
        chatId,
        message: { ...payload, ...newMessageState() },
      }),
    );
    expect(fresh.queries).toEqual([]); // a new message's status and counts come with it
    expect(fresh.events[7]).toMatchObject({ message: { status: "SENT", receipts: { deliveredCount: 0 } } });
  });

  it("a page's statuses and counts cost one batch, for 1 message as for 10", async () => {
    const PAGE = `query($c: ID!) { chat(id: $c) { messages(first: 20) { nodes { id status
      receipts { deliveredCount readCount } } } } }`;
    async function pageOf(messages: number) {
      const [alice, bob] = await pair();
      const chatId = await openChat(server, bob, alice.username);
      for (let i = 0; i < messages; i++) await gql(server, SEND, { c: chatId, t: `m${i}` }, alice);
      await as(bob, DELIVERED, { c: chatId });
      await server.app.services.presence.settled();
      let page: any;
      const run = await counted(async () => {
        page = await as(alice, PAGE, { c: chatId });
      });
      return { queries: run, nodes: page.chat.messages.nodes };
    }
    const one = await pageOf(1);
    const ten = await pageOf(10);
    expect(ten.queries.length).toBe(one.queries.length);
    for (const node of ten.nodes) {
      expect(node).toMatchObject({ status: "DELIVERED", receipts: { deliveredCount: 1, readCount: 0 } });
    }
  });
});

describe("notificationEvents: a notification with its actor", () => {
  const NOTIFICATIONS = `subscription { notificationEvents { __typename
    ... on NotificationCreatedEvent { notification { id kind isRead createdAt data actor { ${PROFILE} } } }
    ... on NotificationUpdatedEvent { notification { id isRead actor { ${PROFILE} } } }
  } }`;
  const ADD = "mutation($u: String!) { addFriend(username: $u) { id } }";

  it("a NEW_FRIEND costs the same whatever the number of sockets; a published one costs nothing", async () => {
    const [alice, bob] = await pair();
    const [carol] = await users(1); // alice adding bob again within a day would not notify him again
    await as(carol, "{ me { id } }");
    const one = await deliveryTo(bob, 1, NOTIFICATIONS, () => as(carol, ADD, { u: bob.username }));
    const eight = await deliveryTo(bob, 8, NOTIFICATIONS, () => as(alice, ADD, { u: bob.username }));
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) expect(event.notification.actor).toMatchObject({ username: alice.username });

    const [notification] = (await server.app.services.notifications.list(bob.id, "ALL", { skip: 0, take: 1 })).nodes;
    if (!notification) throw new Error("no notification");
    const published = await deliveryTo(bob, 8, NOTIFICATIONS, () =>
      publishNotificationEvent(server.app.bus, {
        kind: "NOTIFICATION_UPDATED",
        at: at(),
        notification,
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ notification: { id: notification.id, actor: { id: alice.id } } });
  });
});

describe("invitationEvents: an invitation with the opponent", () => {
  const INVITATIONS = `subscription { invitationEvents { __typename
    ... on InvitationReceivedEvent { invitation { id status expiresAt inviter { ${PROFILE} } invitee { ${PROFILE} } } }
    ... on InvitationAcceptedEvent { gameId invitation { id status } opponent { ${PROFILE} } }
  } }`;
  const INVITE = "mutation($u: String!) { inviteToDuel(username: $u) { id } }";
  const ACCEPT = "mutation($u: String!) { replyToInvitation(username: $u, accept: true) { id } }";

  async function acceptedBy(k: number) {
    const [alice, bob] = await pair();
    await as(alice, INVITE, { u: bob.username });
    return { alice, bob, ...(await deliveryTo(alice, k, INVITATIONS, () => as(bob, ACCEPT, { u: alice.username }))) };
  }

  it("an acceptance costs the same whatever the number of sockets; a published invitation costs nothing", async () => {
    const one = await acceptedBy(1);
    const eight = await acceptedBy(8);
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) {
      expect(event).toMatchObject({ __typename: "InvitationAcceptedEvent", opponent: { id: eight.bob.id } });
    }

    const [alice, bob] = await pair();
    await as(alice, INVITE, { u: bob.username });
    const [invitation] = await server.app.services.invitations.incomingInvitations(bob.id);
    if (!invitation) throw new Error("no invitation");
    const published = await deliveryTo(bob, 8, INVITATIONS, () =>
      publishInvitationEvent(server.app.bus, [bob.id], {
        kind: "INVITATION_RECEIVED",
        at: at(),
        invitation,
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ invitation: { id: invitation.id, inviter: { id: alice.id } } });
  });
});

describe("presenceEvents: a user's presence with their profile", () => {
  const PRESENCE = `subscription { presenceEvents { __typename
    ... on PresenceChangedEvent { status user { ${PROFILE} isOnline lastActivity } }
  } }`;

  async function cameOnline(k: number) {
    const [watcher, subject] = await users(2);
    await as(watcher, "{ me { id } }");
    let socket: Awaited<ReturnType<typeof openSocket>> | undefined;
    const seen = await deliveryTo(watcher, k, PRESENCE, async () => {
      socket = await openSocket(server, subject);
    });
    await socket?.close();
    return { subject, ...seen };
  }

  it("going online costs the same whatever the number of sockets; a published change costs nothing", async () => {
    const one = await cameOnline(1);
    const eight = await cameOnline(8);
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) {
      expect(event).toMatchObject({ status: "ONLINE", user: { id: eight.subject.id, isOnline: true } });
    }

    const [watcher, subject] = await users(2);
    await as(watcher, "{ me { id } }");
    const profile = { id: subject.id, username: subject.username, nickname: subject.username, avatar: null, elo: 1000 };
    const presence = { isOnline: false, lastActivity: at(), inGame: false };
    const published = await deliveryTo(watcher, 8, PRESENCE, () =>
      publishPresence(server.app.bus, {
        kind: "PRESENCE_CHANGED",
        at: at(),
        status: "OFFLINE",
        user: { ...profile, presence },
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({
      user: { id: subject.id, isOnline: false, lastActivity: presence.lastActivity },
    });
  });
});

describe("presenceEvents(scope: FRIENDS): a friend's presence with their profile and inGame", () => {
  const FRIENDS = `subscription { presenceEvents(scope: FRIENDS) { __typename
    ... on PresenceChangedEvent { status user { ${PROFILE} isOnline lastActivity inGame } }
  } }`;

  async function friendCameOnline(k: number) {
    const [watcher, friend] = await users(2);
    await as(watcher, `mutation($u: String!) { addFriend(username: $u) { id } }`, { u: friend.username });
    let socket: Awaited<ReturnType<typeof openSocket>> | undefined;
    const seen = await deliveryTo(watcher, k, FRIENDS, async () => {
      socket = await openSocket(server, friend);
    });
    await socket?.close();
    return { friend, ...seen };
  }

  it("going online costs the same whatever the number of watching sockets; a published change costs nothing", async () => {
    const one = await friendCameOnline(1);
    const eight = await friendCameOnline(8);
    expect(sorted(eight.queries)).toEqual(sorted(one.queries));
    for (const event of eight.events) {
      expect(event).toMatchObject({ status: "ONLINE", user: { id: eight.friend.id, isOnline: true, inGame: false } });
    }

    const [watcher, friend] = await users(2);
    await as(watcher, `mutation($u: String!) { addFriend(username: $u) { id } }`, { u: friend.username });
    const profile = { id: friend.id, username: friend.username, nickname: friend.username, avatar: null, elo: 1000 };
    const presence = { isOnline: true, lastActivity: at(), inGame: true };
    const published = await deliveryTo(watcher, 8, FRIENDS, () =>
      publishPresence(server.app.bus, {
        kind: "PRESENCE_CHANGED",
        at: at(),
        status: "ONLINE",
        user: { ...profile, presence },
      }),
    );
    expect(published.queries).toEqual([]);
    expect(published.events[7]).toMatchObject({ user: { id: friend.id, inGame: true } });
  });
});

describe("User.inGame: one batch for every user of a list", () => {
  async function friendsList(n: number) {
    const [viewer, ...friends] = await users((n + 1) as 2);
    for (const friend of friends)
      await as(viewer, `mutation($u: String!) { addFriend(username: $u) { id } }`, { u: friend.username });
    await server.app.services.presence.settled();
    return counted(() => as(viewer, "{ me { friends(first: 20) { nodes { id inGame } } } }"));
  }

  it("costs the same for 1 friend as for 6: one games query, whatever the number of users", async () => {
    const games = (queries: string[]) => queries.filter((query) => query.includes('FROM "public"."games"'));
    const [one, six] = [await friendsList(1), await friendsList(6)];
    expect(six).toHaveLength(one.length);
    expect(games(one)).toHaveLength(1);
    expect(games(six)).toHaveLength(1);
  });
});

describe("chats { messages }: one batch for every chat of the list", () => {
  const CHATS = `{ chats(first: 20) { totalCount nodes { id unreadCount isBlockedByMe peer { ${PROFILE} }
    lastMessage { id content createdAt sender { username } }
    messages(first: 5) { totalCount hasNextPage endCursor nodes { id cursor content sender { ${PROFILE} } } } } } }`;

  async function listWith(chats: number) {
    const [viewer, ...peers] = await Promise.all(Array.from({ length: chats + 1 }, () => signUp(server)));
    if (!viewer) throw new Error("no viewer");
    for (const peer of peers) {
      const chatId = await openChat(server, viewer, peer.username);
      for (const text of ["one", "two", "three"]) await gql(server, SEND, { c: chatId, t: text }, peer);
    }
    await as(viewer, "{ me { id } }");
    await server.app.services.presence.settled();
    let list: any;
    const run = await counted(async () => {
      list = await as(viewer, CHATS);
    });
    return { queries: run, list };
  }

  it("costs the same for 1 chat as for 6, and each page holds its own chat's messages", async () => {
    const one = await listWith(1);
    const six = await listWith(6);
    expect(six.queries.length).toBe(one.queries.length);
    // chats, their count, both peers, block flags, the pages, their counts, the unread counts
    expect(one.queries.length).toBeLessThanOrEqual(8);
    expect(six.list.chats.nodes).toHaveLength(6);
    for (const chat of six.list.chats.nodes) {
      expect(chat.messages.nodes.map((node: { content: string }) => node.content)).toEqual(["three", "two", "one"]);
      expect(chat.messages.totalCount).toBe(3);
      expect(chat.lastMessage.content).toBe("three");
      expect(chat.messages.nodes[0].sender.id).toBe(chat.peer.id);
    }
  });
});
