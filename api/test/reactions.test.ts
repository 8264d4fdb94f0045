// Reactions over real HTTP and a real graphql-ws client, in both modes (PGlite / PostgreSQL + Redis): the emoji
// rule, idempotency, refusals, per-viewer counts, who reacted, the legacy like as the receiver's ❤️, live events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEART } from "../src/domains/chat/reactions/emoji.ts";
import { likedSql } from "../src/domains/chat/reactions/liked.ts";
import { MAX_REACTIONS_PER_MEMBER } from "../src/domains/chat/reactions/reactions.store.ts";
import {
  clientOf,
  EventQueue,
  openChat,
  SEND,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

let server: TestServer;
const { users, as, refused } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const REACTIONS = "id isLiked reactions { emoji count reactedByMe }";
const ADD = `mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { ${REACTIONS} } }`;
const REMOVE = `mutation($m: ID!, $e: String!) { removeReaction(messageId: $m, emoji: $e) { ${REACTIONS} } }`;
const LIKE = `mutation($m: ID!, $l: Boolean!) { setMessageLiked(messageId: $m, liked: $l) { ${REACTIONS} } }`;
const MESSAGES = `query($c: ID!) { chat(id: $c) { messages(first: 10) { nodes { ${REACTIONS} } } } }`;
const REACTORS = `query($c: ID!, $e: String!, $first: Int, $offset: Int) { chat(id: $c) { messages(first: 1) { nodes {
  reactors(emoji: $e, first: $first, offset: $offset) { totalCount hasNextPage nodes { reactedAt user { username } } }
} } } }`;
const EVENTS = `subscription { chatEvents { __typename
  ... on ReactionEvent { chatId messageId emoji added byUserId reactions { emoji count reactedByMe } }
  ... on MessageLikedEvent { chatId messageId liked byUserId }
  ... on TypingEvent { chatId }
} }`;

/** Two users with a chat and one message from the first to the second. */
async function conversation() {
  const [alice, bob] = await users(2);
  const chatId = await openChat(server, alice, bob.username);
  const sent = await as(alice, SEND, { c: chatId, t: "react to this" });
  return { alice, bob, chatId, messageId: sent.sendMessage.id as string };
}

const add = (user: TestUser, messageId: string, emoji: string) => as(user, ADD, { m: messageId, e: emoji });
const reactionsOf = async (viewer: TestUser, chatId: string) =>
  (await as(viewer, MESSAGES, { c: chatId })).chat.messages.nodes[0];

async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, EVENTS);
  await queue.ready();
  return {
    next: async () => (await queue.next()).chatEvents,
    close: () => client.dispose(),
  };
}

describe("the emoji rule", () => {
  it("accepts one emoji, ZWJ sequences, flags, keycaps and skin tones included", async () => {
    const { bob, chatId, messageId } = await conversation();
    const accepted = ["👍", "👍🏽", "👨‍👩‍👧‍👦", "👩🏽‍❤️‍💋‍👨🏿", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣"];
    for (const emoji of accepted) await add(bob, messageId, emoji);
    const { reactions } = await reactionsOf(bob, chatId);
    expect(reactions.map((reaction: { emoji: string }) => reaction.emoji)).toEqual(accepted);
  });

  it("stores a bare ❤ (U+2764) as ❤️ (U+2764 U+FE0F), the like", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    const liked = await add(bob, messageId, "\u2764");
    expect(liked.addReaction).toMatchObject({ isLiked: true, reactions: [{ emoji: HEART, count: 1 }] });
    await add(bob, messageId, HEART); // the same reaction
    expect((await reactionsOf(alice, chatId)).reactions).toEqual([{ emoji: HEART, count: 1, reactedByMe: false }]);
  });

  it("refuses two emojis, letters, digits, empty and overlong input with the reason, storing nothing", async () => {
    const { bob, chatId, messageId } = await conversation();
    const cases: [string, RegExp][] = [
      ["👍👍", /one emoji, not 2/],
      ["👍a", /one emoji, not 2/],
      ["a", /must be an emoji/],
      ["1", /must be an emoji/],
      ["❤\uFE0F\uFE0F", /must be an emoji/],
      ["", /one emoji/],
      ["👍".repeat(17), /at most 32/],
    ];
    for (const [emoji, reason] of cases) {
      const error = await refused(bob, ADD, { m: messageId, e: emoji }, "BAD_USER_INPUT");
      expect(error?.message).toMatch(reason);
    }
    expect((await reactionsOf(bob, chatId)).reactions).toEqual([]);
  });
});

describe("addReaction and removeReaction", () => {
  it("count each member once per emoji, tell each viewer what is theirs, and are idempotent", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    await add(bob, messageId, "👍");
    const twice = await add(bob, messageId, "👍");
    expect(twice.addReaction.reactions).toEqual([{ emoji: "👍", count: 1, reactedByMe: true }]);
    await Promise.all([add(alice, messageId, "👍"), add(alice, messageId, "👍")]); // concurrent repeats
    await add(alice, messageId, "🎉");
    expect((await reactionsOf(alice, chatId)).reactions).toEqual([
      { emoji: "👍", count: 2, reactedByMe: true },
      { emoji: "🎉", count: 1, reactedByMe: true },
    ]);
    expect((await reactionsOf(bob, chatId)).reactions).toEqual([
      { emoji: "👍", count: 2, reactedByMe: true },
      { emoji: "🎉", count: 1, reactedByMe: false },
    ]);

    await as(bob, REMOVE, { m: messageId, e: "👍" });
    const again = await as(bob, REMOVE, { m: messageId, e: "👍" });
    expect(again.removeReaction.reactions).toEqual([
      { emoji: "👍", count: 1, reactedByMe: false },
      { emoji: "🎉", count: 1, reactedByMe: false },
    ]);
  });

  it("allows a reaction on my own message, which is not a like", async () => {
    const { alice, messageId } = await conversation();
    const own = await add(alice, messageId, HEART);
    expect(own.addReaction).toMatchObject({
      isLiked: false,
      reactions: [{ emoji: HEART, count: 1, reactedByMe: true }],
    });
  });

  it(`bounds a member to ${MAX_REACTIONS_PER_MEMBER} different emojis on one message`, async () => {
    const { bob, messageId } = await conversation();
    const emojis = [..."😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋"];
    for (const emoji of emojis.slice(0, MAX_REACTIONS_PER_MEMBER)) await add(bob, messageId, emoji);
    const over = await refused(bob, ADD, { m: messageId, e: emojis[MAX_REACTIONS_PER_MEMBER] }, "BAD_USER_INPUT");
    expect(over?.message).toMatch(`at most ${MAX_REACTIONS_PER_MEMBER}`);
    await add(bob, messageId, emojis[0] as string); // one already there is still fine
  });

  it("is FORBIDDEN to a non-member and across a block, NOT_FOUND for an unknown or malformed id", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    const [carol] = await users(1);
    await refused(carol, ADD, { m: messageId, e: "👍" }, "FORBIDDEN");
    await refused(carol, REMOVE, { m: messageId, e: "👍" }, "FORBIDDEN");
    await refused(bob, ADD, { m: "00000000-0000-4000-8000-000000000000", e: "👍" }, "NOT_FOUND");
    await refused(bob, ADD, { m: "not-a-uuid", e: "👍" }, "NOT_FOUND");
    await as(alice, `mutation($u: String!) { blockUser(username: $u) { id } }`, { u: bob.username });
    await refused(bob, ADD, { m: messageId, e: "👍" }, "FORBIDDEN");
    expect((await reactionsOf(alice, chatId)).reactions).toEqual([]);
  });
});

describe("Message.reactors", () => {
  it("pages who reacted with one emoji, first reactors first", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    await add(bob, messageId, "👍");
    await add(alice, messageId, "👍");
    await add(alice, messageId, "🎉");
    const page = async (first: number, offset: number) =>
      (await as(alice, REACTORS, { c: chatId, e: "👍", first, offset })).chat.messages.nodes[0].reactors;
    const first = await page(1, 0);
    expect(first).toMatchObject({ totalCount: 2, hasNextPage: true, nodes: [{ user: { username: bob.username } }] });
    expect(await page(1, 1)).toMatchObject({ hasNextPage: false, nodes: [{ user: { username: alice.username } }] });
    expect(await page(5, 2)).toEqual({ totalCount: 2, hasNextPage: false, nodes: [] });
    await refused(alice, REACTORS, { c: chatId, e: "x", first: 1, offset: 0 }, "BAD_USER_INPUT");
  });
});

describe("the legacy like is the receiver's ❤️", () => {
  it("setMessageLiked adds and removes the receiver's ❤️, and the ❤️ reaction sets isLiked", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    expect((await as(bob, LIKE, { m: messageId, l: true })).setMessageLiked).toMatchObject({
      isLiked: true,
      reactions: [{ emoji: HEART, count: 1, reactedByMe: true }],
    });
    expect(await reactionsOf(alice, chatId)).toMatchObject({ isLiked: true, reactions: [{ emoji: HEART }] });
    await as(bob, REMOVE, { m: messageId, e: HEART });
    expect(await reactionsOf(alice, chatId)).toMatchObject({ isLiked: false, reactions: [] });
    await add(bob, messageId, HEART);
    expect(await reactionsOf(alice, chatId)).toMatchObject({ isLiked: true });
    expect((await as(bob, LIKE, { m: messageId, l: false })).setMessageLiked).toMatchObject({ isLiked: false });
    await refused(alice, LIKE, { m: messageId, l: true }, "FORBIDDEN"); // own messages cannot be liked
  });

  it("likedSql counts hearts by others than the sender only, as isLiked shows", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    const liked = async () => {
      const [row] = await server.app.prisma.$queryRaw<{ liked: boolean }[]>`
        SELECT ${likedSql("m")} AS liked FROM messages m WHERE m.id = ${messageId}::uuid`;
      return { sql: row?.liked, api: (await reactionsOf(bob, chatId)).isLiked };
    };
    expect(await liked()).toEqual({ sql: false, api: false });
    await add(alice, messageId, HEART); // the sender's own heart
    expect(await liked()).toEqual({ sql: false, api: false });
    await add(bob, messageId, HEART);
    expect(await liked()).toEqual({ sql: true, api: true });
  });
});

describe("live events", () => {
  it("a reaction reaches every member with their own reactedByMe; a repeat sends nothing", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    const [a, b] = [await listen(alice), await listen(bob)];
    await add(bob, messageId, "👍");
    const base = { __typename: "ReactionEvent", chatId, messageId, emoji: "👍", byUserId: bob.id };
    expect(await a.next()).toEqual({
      ...base,
      added: true,
      reactions: [{ emoji: "👍", count: 1, reactedByMe: false }],
    });
    expect(await b.next()).toEqual({ ...base, added: true, reactions: [{ emoji: "👍", count: 1, reactedByMe: true }] });

    await add(bob, messageId, "👍"); // no change, no event: the next one alice gets is the removal
    await as(bob, REMOVE, { m: messageId, e: "👍" });
    expect(await a.next()).toEqual({ ...base, added: false, reactions: [] });
    expect(await b.next()).toEqual({ ...base, added: false, reactions: [] });
    await Promise.all([a.close(), b.close()]);
  });

  it("a like sends MessageLikedEvent and a ReactionEvent; unlike sends liked false; re-liking re-broadcasts", async () => {
    const { alice, bob, chatId, messageId } = await conversation();
    const a = await listen(alice);
    const liked = (value: boolean) => ({
      __typename: "MessageLikedEvent",
      chatId,
      messageId,
      liked: value,
      byUserId: bob.id,
    });
    await as(bob, LIKE, { m: messageId, l: true });
    const [first, second] = [await a.next(), await a.next()];
    expect([first.__typename, second.__typename].sort()).toEqual(["MessageLikedEvent", "ReactionEvent"]);
    expect(first.__typename === "MessageLikedEvent" ? first : second).toEqual(liked(true));

    await as(bob, LIKE, { m: messageId, l: true }); // unchanged: the like is re-broadcast, no reaction event
    expect(await a.next()).toEqual(liked(true));
    await as(bob, LIKE, { m: messageId, l: false });
    const events = [await a.next(), await a.next()];
    expect(events).toContainEqual(liked(false));
    expect(events).toContainEqual(
      expect.objectContaining({ __typename: "ReactionEvent", added: false, reactions: [] }),
    );

    await add(bob, messageId, HEART); // a heart through reactions is a like for legacy clients too
    expect([await a.next(), await a.next()]).toContainEqual(liked(true));
    await add(alice, messageId, HEART); // the sender's own heart is no like: no MessageLikedEvent
    expect(await a.next()).toMatchObject({ __typename: "ReactionEvent", emoji: HEART, byUserId: alice.id });
    await add(alice, messageId, "👍");
    expect(await a.next()).toMatchObject({ __typename: "ReactionEvent", emoji: "👍" });
    await a.close();
  });
});
