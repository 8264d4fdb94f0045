// Profiles, search, friends and blocks (with their effect on chats and unread counts), over real HTTP.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientOf,
  codeOf,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
} from "./harness.ts";

const USER_FIELDS = "id username nickname isBlockedByMe hasBlockedMe";
const USER = `query($u: String!) { user(username: $u) { ${USER_FIELDS} } }`;
const SEARCH = `query($q: String!, $first: Int, $offset: Int) {
  searchUsers(query: $q, first: $first, offset: $offset) { totalCount hasNextPage nodes { ${USER_FIELDS} } }
}`;
const ME = `{ me {
  id unreadMessageCount
  friends(first: 100) { totalCount nodes { username } }
  blockedUsers(first: 100) { totalCount nodes { username } }
} }`;
const CHATS = `{ chats(first: 100) {
  nodes { id unreadCount isBlockedByMe hasBlockedMe peer { username isBlockedByMe hasBlockedMe } }
} }`;
const relation = (action: "addFriend" | "removeFriend" | "blockUser" | "unblockUser") =>
  `mutation($u: String!) { ${action}(username: $u) { ${USER_FIELDS} } }`;
const ADD_FRIEND = relation("addFriend");
const REMOVE_FRIEND = relation("removeFriend");
const BLOCK = relation("blockUser");
const UNBLOCK = relation("unblockUser");
const MARK_READ = "mutation($m: ID!) { markMessageRead(messageId: $m) { id isRead } }";
const UPDATE_PROFILE = "mutation($n: String!) { updateProfile(nickname: $n) { id nickname } }";

let server: TestServer;
const { users, as, refused } = clientOf(() => server);
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const hex = () => randomBytes(3).toString("hex");
interface MeView {
  unreadMessageCount: number;
  friends: string[];
  blocked: string[];
}
async function meOf(user: TestUser): Promise<MeView> {
  const { me } = await as(user, ME);
  expect(me.friends.totalCount).toBe(me.friends.nodes.length);
  expect(me.blockedUsers.totalCount).toBe(me.blockedUsers.nodes.length);
  return {
    unreadMessageCount: me.unreadMessageCount,
    friends: me.friends.nodes.map((u: { username: string }) => u.username),
    blocked: me.blockedUsers.nodes.map((u: { username: string }) => u.username),
  };
}

/** `viewer`'s view of `other`: the block flags on the User and on their chat (if any). */
async function flags(viewer: TestUser, other: TestUser) {
  const { user } = await as(viewer, USER, { u: other.username });
  const { chats } = await as(viewer, CHATS);
  const chat = chats.nodes.find((c: { peer: { username: string } }) => c.peer.username === other.username);
  return {
    user: { isBlockedByMe: user.isBlockedByMe, hasBlockedMe: user.hasBlockedMe },
    chat: chat && { isBlockedByMe: chat.isBlockedByMe, hasBlockedMe: chat.hasBlockedMe },
    peer: chat && { isBlockedByMe: chat.peer.isBlockedByMe, hasBlockedMe: chat.peer.hasBlockedMe },
  };
}

const search = (viewer: TestUser, q: string, first?: number, offset?: number) =>
  as(viewer, SEARCH, { q, first, offset }).then((data) => data.searchUsers);

async function send(from: TestUser, chatId: string, content: string): Promise<string> {
  return (await as(from, SEND, { c: chatId, t: content })).sendMessage.id;
}

describe("user", () => {
  it("finds a user by username in any case", async () => {
    const [viewer, target] = await users(2);
    for (const name of [target.username, target.username.toUpperCase(), target.username.toLowerCase()]) {
      const { user } = await as(viewer, USER, { u: name });
      expect(user).toEqual({
        id: target.id,
        username: target.username,
        nickname: target.username,
        isBlockedByMe: false,
        hasBlockedMe: false,
      });
    }
  });

  it("answers NOT_FOUND for an unknown username", async () => {
    const [viewer] = await users(1);
    await refused(viewer, USER, { u: `nobody_${hex()}` }, "NOT_FOUND");
  });
});

describe("searchUsers", () => {
  // Names share a prefix no other test uses; nickname = username at sign-up.
  const prefix = `Srch${hex()}`;
  const names = ["Delta", "alpha", "Charlie", "bravo", "echo"].map((suffix) => `${prefix}_${suffix}`);
  let viewer: TestUser;
  let matches: TestUser[];
  beforeAll(async () => {
    viewer = await signUp(server);
    matches = [];
    for (const name of names) matches.push(await signUp(server, name));
  });
  const sortedNames = () => [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

  it("matches a username prefix in any case, sorted, and nothing that only contains it", async () => {
    for (const q of [prefix, prefix.toUpperCase(), prefix.toLowerCase(), ` ${prefix} `]) {
      const page = await search(viewer, q);
      expect(page.totalCount).toBe(names.length);
      expect(page.hasNextPage).toBe(false);
      expect(page.nodes.map((u: { username: string }) => u.username)).toEqual(sortedNames());
    }
    const one = await search(viewer, `${prefix}_CHAR`);
    expect(one.nodes.map((u: { id: string }) => u.id)).toEqual([matches[2]?.id]);
    expect((await search(viewer, prefix.slice(1))).totalCount).toBe(0);
    expect((await search(viewer, `${prefix}_alphabet`)).totalCount).toBe(0);
  });

  it("treats LIKE wildcards literally", async () => {
    expect((await search(viewer, "%")).totalCount).toBe(0);
    expect((await search(viewer, `${prefix}_%a`)).totalCount).toBe(0);
    // "_" must not match any single character: "Srch…X" is not "Srch…_"
    expect((await search(viewer, `${prefix.slice(0, -1)}_`)).totalCount).toBe(0);
  });

  it("paginates with first and offset", async () => {
    const seen: string[] = [];
    const pages = [
      { offset: 0, size: 2, hasNextPage: true },
      { offset: 2, size: 2, hasNextPage: true },
      { offset: 4, size: 1, hasNextPage: false },
      { offset: 6, size: 0, hasNextPage: false },
    ];
    for (const expected of pages) {
      const page = await search(viewer, prefix, 2, expected.offset);
      expect(page.totalCount).toBe(names.length);
      expect(page.nodes).toHaveLength(expected.size);
      expect(page.hasNextPage).toBe(expected.hasNextPage);
      seen.push(...page.nodes.map((u: { username: string }) => u.username));
    }
    expect(seen).toEqual(sortedNames());
  });

  it("refuses a page size outside 1..100 and a negative offset with BAD_USER_INPUT", async () => {
    for (const first of [0, 101, -1]) {
      const error = await refused(viewer, SEARCH, { q: prefix, first }, "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("first");
    }
    const error = await refused(viewer, SEARCH, { q: prefix, offset: -1 }, "BAD_USER_INPUT");
    expect(error?.extensions?.field).toBe("offset");
    expect((await search(viewer, prefix, 100)).totalCount).toBe(names.length);
  });

  it("hides users who blocked the viewer but shows users the viewer blocked", async () => {
    const searcher = await signUp(server);
    const [blockedMe, blockedByMe] = [matches[0] as TestUser, matches[1] as TestUser];
    await as(blockedMe, BLOCK, { u: searcher.username });
    await as(searcher, BLOCK, { u: blockedByMe.username });

    const page = await search(searcher, prefix);
    expect(page.totalCount).toBe(names.length - 1);
    const found = new Map(page.nodes.map((u: { id: string }) => [u.id, u]));
    expect(found.has(blockedMe.id)).toBe(false);
    expect(found.get(blockedByMe.id)).toMatchObject({ isBlockedByMe: true, hasBlockedMe: false });
    // the blocker still finds the user they blocked; the others are unaffected
    expect((await search(blockedMe, prefix)).totalCount).toBe(names.length);
    expect((await search(viewer, prefix)).totalCount).toBe(names.length);

    await as(blockedMe, UNBLOCK, { u: searcher.username });
    await as(searcher, UNBLOCK, { u: blockedByMe.username });
    expect((await search(searcher, prefix)).totalCount).toBe(names.length);
  });

  it("matches a nickname prefix in any case", async () => {
    const nickname = `Nick${hex()}Name`;
    const target = matches[4] as TestUser;
    const { updateProfile } = await as(target, UPDATE_PROFILE, { n: `  ${nickname} ` });
    expect(updateProfile.nickname).toBe(nickname); // trimmed
    for (const q of [nickname.slice(0, 8), nickname.slice(0, 8).toUpperCase()]) {
      const page = await search(viewer, q);
      expect(page.nodes.map((u: { id: string }) => u.id)).toEqual([target.id]);
      expect(page.nodes[0]).toMatchObject({ username: target.username, nickname });
    }
    // still found by its username
    expect((await search(viewer, target.username)).nodes.map((u: { id: string }) => u.id)).toEqual([target.id]);
  });
});

describe("updateProfile", () => {
  it("refuses an empty, too long or control-character nickname and keeps the old one", async () => {
    const [user] = await users(1);
    for (const nickname of ["   ", "n".repeat(51), "bad\u0007bell"]) {
      const result = await gql(server, UPDATE_PROFILE, { n: nickname }, user);
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.extensions?.field).toBe("nickname");
    }
    expect((await as(user, USER, { u: user.username })).user.nickname).toBe(user.username);
    expect((await as(user, UPDATE_PROFILE, { n: "n".repeat(50) })).updateProfile.nickname).toBe("n".repeat(50));
  });

  it("refuses invisible and direction-control nicknames with BAD_USER_INPUT, keeping the old one", async () => {
    const [user] = await users(1);
    const cases = [
      "\u202Eevil", // right-to-left override
      "a\u200Bb", // zero-width space
      "\u200B\u200C\u200D", // zero-width only
      "\u2066x\u2069", // bidi isolates
      "\u3164", // Hangul filler: a letter that draws nothing
      "x\u2028y", // line separator
      "\u0130".repeat(50), // "İ" lower-cases to two characters: 100, past the column
      "bad\u0000nul",
      "lone\uD800surrogate",
    ];
    for (const nickname of cases) {
      const error = await refused(user, UPDATE_PROFILE, { n: nickname }, "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("nickname");
    }
    expect((await as(user, USER, { u: user.username })).user.nickname).toBe(user.username);
  });

  it("stores nicknames NFKC-normalised and finds them by their normalised form", async () => {
    const [user, viewer] = await users(2);
    const tag = hex();
    // fullwidth letters and the "ﬁ" ligature normalise to plain ASCII
    const { updateProfile } = await as(user, UPDATE_PROFILE, { n: `\uFF2E\uFF49\uFF43\uFF4B \uFB01${tag}` });
    expect(updateProfile.nickname).toBe(`Nick fi${tag}`);
    const page = await search(viewer, `nick fi${tag}`);
    expect(page.nodes.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  it("needs a session", async () => {
    expect(codeOf(await gql(server, UPDATE_PROFILE, { n: "x" }))).toBe("UNAUTHENTICATED");
  });
});

describe("friends", () => {
  it("addFriend is one-way and accepts any case", async () => {
    const [alice, bob] = await users(2);
    const { addFriend } = await as(alice, ADD_FRIEND, { u: bob.username.toUpperCase() });
    expect(addFriend).toMatchObject({ id: bob.id, username: bob.username });
    expect((await meOf(alice)).friends).toEqual([bob.username]);
    expect((await meOf(bob)).friends).toEqual([]);
  });

  it("refuses adding yourself with BAD_USER_INPUT", async () => {
    const [alice] = await users(1);
    const error = await refused(alice, ADD_FRIEND, { u: alice.username.toUpperCase() }, "BAD_USER_INPUT");
    expect(error?.extensions?.field).toBe("username");
    expect((await meOf(alice)).friends).toEqual([]);
  });

  it("refuses adding a friend twice with CONFLICT", async () => {
    const [alice, bob] = await users(2);
    await as(alice, ADD_FRIEND, { u: bob.username });
    await refused(alice, ADD_FRIEND, { u: bob.username.toLowerCase() }, "CONFLICT");
    expect((await meOf(alice)).friends).toEqual([bob.username]);
  });

  it("refuses an unknown user with NOT_FOUND", async () => {
    const [alice] = await users(1);
    await refused(alice, ADD_FRIEND, { u: `nobody_${hex()}` }, "NOT_FOUND");
    await refused(alice, REMOVE_FRIEND, { u: `nobody_${hex()}` }, "NOT_FOUND");
    expect((await meOf(alice)).friends).toEqual([]);
  });

  it("refuses adding someone I blocked with CONFLICT", async () => {
    const [alice, bob] = await users(2);
    await as(alice, BLOCK, { u: bob.username });
    await refused(alice, ADD_FRIEND, { u: bob.username }, "CONFLICT");
    expect((await meOf(alice)).friends).toEqual([]);
    // after unblocking it works
    await as(alice, UNBLOCK, { u: bob.username });
    await as(alice, ADD_FRIEND, { u: bob.username });
    expect((await meOf(alice)).friends).toEqual([bob.username]);
  });

  it("removeFriend removes only my side and refuses a non-friend with CONFLICT", async () => {
    const [alice, bob] = await users(2);
    await as(alice, ADD_FRIEND, { u: bob.username });
    await as(bob, ADD_FRIEND, { u: alice.username });
    const { removeFriend } = await as(alice, REMOVE_FRIEND, { u: bob.username.toUpperCase() });
    expect(removeFriend.id).toBe(bob.id);
    expect((await meOf(alice)).friends).toEqual([]);
    expect((await meOf(bob)).friends).toEqual([alice.username]);
    await refused(alice, REMOVE_FRIEND, { u: bob.username }, "CONFLICT");
    expect((await meOf(bob)).friends).toEqual([alice.username]);
  });

  it("pages me.friends", async () => {
    const [alice, ...others] = await users(4);
    for (const other of others) await as(alice, ADD_FRIEND, { u: other.username });
    const query = "query($o: Int) { me { friends(first: 2, offset: $o) { totalCount hasNextPage nodes { id } } } }";
    const first = (await as(alice, query, { o: 0 })).me.friends;
    const second = (await as(alice, query, { o: 2 })).me.friends;
    expect([first.totalCount, first.hasNextPage, first.nodes.length]).toEqual([3, true, 2]);
    expect([second.totalCount, second.hasNextPage, second.nodes.length]).toEqual([3, false, 1]);
    const ids = [...first.nodes, ...second.nodes].map((u: { id: string }) => u.id).sort();
    expect(ids).toEqual(others.map((u) => u.id).sort());
  });
});

describe("blocks", () => {
  it("refuses blocking yourself with BAD_USER_INPUT", async () => {
    const [alice] = await users(1);
    const error = await refused(alice, BLOCK, { u: alice.username }, "BAD_USER_INPUT");
    expect(error?.extensions?.field).toBe("username");
    expect((await meOf(alice)).blocked).toEqual([]);
  });

  it("refuses an unknown user with NOT_FOUND", async () => {
    const [alice] = await users(1);
    await refused(alice, BLOCK, { u: `nobody_${hex()}` }, "NOT_FOUND");
    await refused(alice, UNBLOCK, { u: `nobody_${hex()}` }, "NOT_FOUND");
    expect((await meOf(alice)).blocked).toEqual([]);
  });

  it("blocks once, unfriends, and refuses a second block with CONFLICT", async () => {
    const [alice, bob, carol] = await users(3);
    await as(alice, ADD_FRIEND, { u: bob.username });
    await as(alice, ADD_FRIEND, { u: carol.username });
    const { blockUser } = await as(alice, BLOCK, { u: bob.username.toUpperCase() });
    expect(blockUser).toMatchObject({ id: bob.id, isBlockedByMe: true, hasBlockedMe: false });
    expect(await meOf(alice)).toMatchObject({ friends: [carol.username], blocked: [bob.username] });

    await refused(alice, BLOCK, { u: bob.username }, "CONFLICT");
    expect(await meOf(alice)).toMatchObject({ friends: [carol.username], blocked: [bob.username] });
    // one unblock undoes it entirely: there was only ever one block
    await as(alice, UNBLOCK, { u: bob.username });
    expect((await meOf(alice)).blocked).toEqual([]);
    await refused(alice, UNBLOCK, { u: bob.username }, "CONFLICT");
  });

  it("refuses unblocking someone not blocked with CONFLICT, leaving their block on me alone", async () => {
    const [alice, bob] = await users(2);
    await refused(alice, UNBLOCK, { u: bob.username }, "CONFLICT");
    await as(bob, BLOCK, { u: alice.username });
    await refused(alice, UNBLOCK, { u: bob.username }, "CONFLICT");
    expect((await flags(alice, bob)).user).toEqual({ isBlockedByMe: false, hasBlockedMe: true });
    expect((await meOf(bob)).blocked).toEqual([alice.username]);
  });

  it("sets isBlockedByMe / hasBlockedMe on User and Chat for both sides, and clears them on unblock", async () => {
    const [alice, bob] = await users(2);
    await openChat(server, alice, bob.username);
    const clear = { isBlockedByMe: false, hasBlockedMe: false };
    expect(await flags(alice, bob)).toEqual({ user: clear, chat: clear, peer: clear });

    await as(alice, BLOCK, { u: bob.username });
    const blocker = { isBlockedByMe: true, hasBlockedMe: false };
    const blocked = { isBlockedByMe: false, hasBlockedMe: true };
    expect(await flags(alice, bob)).toEqual({ user: blocker, chat: blocker, peer: blocker });
    expect(await flags(bob, alice)).toEqual({ user: blocked, chat: blocked, peer: blocked });

    await as(bob, BLOCK, { u: alice.username });
    const both = { isBlockedByMe: true, hasBlockedMe: true };
    expect(await flags(alice, bob)).toEqual({ user: both, chat: both, peer: both });
    expect(await flags(bob, alice)).toEqual({ user: both, chat: both, peer: both });

    await as(alice, UNBLOCK, { u: bob.username });
    await as(bob, UNBLOCK, { u: alice.username });
    expect(await flags(alice, bob)).toEqual({ user: clear, chat: clear, peer: clear });
    expect(await flags(bob, alice)).toEqual({ user: clear, chat: clear, peer: clear });
  });

  it("marks the pair's chat read on block; unblock restores only what was never read", async () => {
    const [alice, bob, carol] = await users(3);
    const chat = await openChat(server, alice, bob.username);
    const fromBob = [await send(bob, chat, "one"), await send(bob, chat, "two"), await send(bob, chat, "three")];
    await send(alice, chat, "reply");
    // a chat with someone else is not affected by the block
    const other = await openChat(server, carol, alice.username);
    await send(carol, other, "from carol");

    await as(alice, MARK_READ, { m: fromBob[0] });
    expect((await meOf(alice)).unreadMessageCount).toBe(3);
    expect((await meOf(bob)).unreadMessageCount).toBe(1);

    await as(alice, BLOCK, { u: bob.username });
    expect((await meOf(alice)).unreadMessageCount).toBe(1);
    expect((await meOf(bob)).unreadMessageCount).toBe(0);
    const unread = async (user: TestUser) =>
      (await as(user, CHATS)).chats.nodes.find((c: { id: string }) => c.id === chat).unreadCount;
    expect([await unread(alice), await unread(bob)]).toEqual([0, 0]);

    await as(alice, UNBLOCK, { u: bob.username });
    expect((await meOf(alice)).unreadMessageCount).toBe(3); // "two", "three" and carol's
    expect((await meOf(bob)).unreadMessageCount).toBe(1);
    expect([await unread(alice), await unread(bob)]).toEqual([2, 1]);
  });

  it("keeps the chat read while the other side's block still stands", async () => {
    const [alice, bob] = await users(2);
    const chat = await openChat(server, alice, bob.username);
    await send(bob, chat, "hello");
    await as(alice, BLOCK, { u: bob.username });
    await as(bob, BLOCK, { u: alice.username });
    await as(alice, UNBLOCK, { u: bob.username });
    expect((await meOf(alice)).unreadMessageCount).toBe(0);
    await as(bob, UNBLOCK, { u: alice.username });
    expect((await meOf(alice)).unreadMessageCount).toBe(1);
  });
});

describe("without authentication", () => {
  const someone = `nobody_${hex()}`;
  it.each([
    ["me", ME, {}],
    ["user", USER, { u: someone }],
    ["searchUsers", SEARCH, { q: "a" }],
    ["chats", CHATS, {}],
    ["addFriend", ADD_FRIEND, { u: someone }],
    ["removeFriend", REMOVE_FRIEND, { u: someone }],
    ["blockUser", BLOCK, { u: someone }],
    ["unblockUser", UNBLOCK, { u: someone }],
  ])("%s is refused with UNAUTHENTICATED", async (_name, query, variables) => {
    await refused(null, query, variables, "UNAUTHENTICATED");
  });

  it("a relation mutation with a bad token changes nothing", async () => {
    const [alice, bob] = await users(2);
    const forged = { ...alice, token: `${alice.token}x` };
    await refused(forged, ADD_FRIEND, { u: bob.username }, "UNAUTHENTICATED");
    await refused(forged, BLOCK, { u: bob.username }, "UNAUTHENTICATED");
    expect(await meOf(alice)).toMatchObject({ friends: [], blocked: [] });
    expect((await flags(bob, alice)).user).toEqual({ isBlockedByMe: false, hasBlockedMe: false });
  });
});

describe("addFriend races", () => {
  it("two concurrent identical addFriend calls: one succeeds, the other is CONFLICT", async () => {
    const [alice, bob] = await users(2);
    const results = await Promise.all([1, 2].map(() => gql(server, ADD_FRIEND, { u: bob.username }, alice)));
    expect(results.map((result) => codeOf(result) ?? "OK").sort()).toEqual(["CONFLICT", "OK"]);
    expect((await meOf(alice)).friends).toEqual([bob.username]);
  });
});
