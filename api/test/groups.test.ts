// Group conversations through the GraphQL API: every rule and refusal (members, roles, owner, bans, blocks,
// the maximum), the SYSTEM messages changes leave, their live events, read positions and unread derivation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, EventQueue, gql, SEND, startServer, type TestServer, type TestUser, wsClient } from "./harness.ts";

const MAX = 4;
let server: TestServer;
const { users, as, refused } = clientOf(() => server);

beforeAll(async () => {
  server = await startServer({ config: { groupMaxMembers: MAX } });
});
afterAll(() => server?.stop());

const GROUP = "id kind title myRole peer { id } members { totalCount nodes { role user { username } } }";
const CREATE = `mutation($t: String!, $u: [String!]!) { createGroup(title: $t, usernames: $u) { ${GROUP} } }`;
const RENAME = `mutation($c: ID!, $t: String!) { renameGroup(chatId: $c, title: $t) { id title } }`;
const ADD = `mutation($c: ID!, $u: [String!]!) { addMembers(chatId: $c, usernames: $u) { ${GROUP} } }`;
const REMOVE = `mutation($c: ID!, $u: String!) { removeMember(chatId: $c, username: $u) { id } }`;
const BAN = `mutation($c: ID!, $u: String!) { banMember(chatId: $c, username: $u) { id } }`;
const UNBAN = `mutation($c: ID!, $u: String!) { unbanMember(chatId: $c, username: $u) { id } }`;
const ROLE = `mutation($c: ID!, $u: String!, $r: AssignableRole!) { setMemberRole(chatId: $c, username: $u, role: $r) { ${GROUP} } }`;
const TRANSFER = `mutation($c: ID!, $u: String!) { transferGroupOwnership(chatId: $c, username: $u) { ${GROUP} } }`;
const LEAVE = `mutation($c: ID!) { leaveGroup(chatId: $c) }`;
const DELETE = `mutation($c: ID!) { deleteGroup(chatId: $c) }`;
const READ = `mutation($c: ID!, $up: String) { markChatRead(chatId: $c, upTo: $up) { id unreadCount } }`;
const TYPING = `mutation($c: ID!) { setTyping(chatId: $c) }`;
const BLOCK = `mutation($u: String!) { blockUser(username: $u) { id } }`;
const HISTORY = `query($c: ID!) { chat(id: $c) { unreadCount messages(first: 50) { nodes {
  cursor kind content isRead senderBlockedByMe sender { username }
  system { action title role actor { username } users { username } } } } } }`;
const UNREAD = "{ me { unreadMessageCount unreadConversationCount } }";
const EVENTS = `subscription { chatEvents { __typename
  ... on MessageSentEvent { chatId message { content isRead senderBlockedByMe sender { username } } }
  ... on GroupChangedEvent { chatId title removedMe message { kind cursor system { action users { username } } } }
  ... on GroupDeletedEvent { chatId byUserId }
  ... on ChatReadEvent { chatId byUserId cursor }
  ... on TypingEvent { chatId user { username } }
} }`;

type Member = { role: string; user: { username: string } };

async function createGroup(owner: TestUser, others: TestUser[], title = "The team") {
  const data = await as(owner, CREATE, { t: title, u: others.map((user) => user.username) });
  return data.createGroup as { id: string; members: { totalCount: number; nodes: Member[] } } & Record<string, any>;
}

async function send(user: TestUser, chatId: string, text: string) {
  return (await as(user, SEND, { c: chatId, t: text })).sendMessage as { id: string; cursor: string };
}

async function history(user: TestUser, chatId: string) {
  const chat = (await as(user, HISTORY, { c: chatId })).chat;
  return { unread: chat.unreadCount as number, messages: [...chat.messages.nodes].reverse() as any[] };
}

async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, EVENTS);
  await queue.ready();
  return { next: async () => (await queue.next()).chatEvents, close: () => client.dispose() };
}

const roles = (members: Member[]) => Object.fromEntries(members.map((m) => [m.user.username, m.role]));

describe("createGroup", () => {
  it("makes me the owner and the others members, records GROUP_CREATED and tells every member live", async () => {
    const [owner, bob, carol] = await users(3);
    const [bobLive, carolLive] = [await listen(bob), await listen(carol)];
    const group = await createGroup(owner, [bob, carol]);
    expect(group).toMatchObject({ kind: "GROUP", title: "The team", myRole: "OWNER", peer: null });
    expect(roles(group.members.nodes)).toEqual({
      [owner.username]: "OWNER",
      [bob.username]: "MEMBER",
      [carol.username]: "MEMBER",
    });
    for (const live of [bobLive, carolLive]) {
      expect(await live.next()).toMatchObject({
        __typename: "GroupChangedEvent",
        chatId: group.id,
        title: "The team",
        removedMe: false,
        message: { kind: "SYSTEM", system: { action: "GROUP_CREATED" } },
      });
      live.close();
    }
    const { messages, unread } = await history(bob, group.id);
    expect(unread).toBe(0); // system messages never count unread
    expect(messages).toEqual([
      expect.objectContaining({
        kind: "SYSTEM",
        content: "",
        system: {
          action: "GROUP_CREATED",
          title: "The team",
          role: null,
          actor: { username: owner.username },
          users: [{ username: bob.username }, { username: carol.username }],
        },
      }),
    ]);
  });

  it("takes any number of members up to the maximum, me included, and refuses one more", async () => {
    const [owner, ...others] = await users(5); // MAX + 1
    expect((await createGroup(owner, others.slice(0, MAX - 1))).members.totalCount).toBe(MAX);
    expect((await createGroup(owner, [], "alone")).members.totalCount).toBe(1);
    const error = await refused(owner, CREATE, { t: "big", u: others.map((u) => u.username) }, "BAD_USER_INPUT");
    expect(error?.message).toContain(`at most ${MAX}`);
  });

  it("refuses a bad title, an unknown user, and someone who blocked me", async () => {
    const [owner, bob, blocker] = await users(3);
    await refused(owner, CREATE, { t: "  ", u: [] }, "BAD_USER_INPUT");
    await refused(owner, CREATE, { t: "x".repeat(101), u: [] }, "BAD_USER_INPUT");
    await refused(owner, CREATE, { t: "ok", u: [bob.username, "nobody_here"] }, "NOT_FOUND");
    await as(blocker, BLOCK, { u: owner.username });
    await refused(owner, CREATE, { t: "ok", u: [bob.username, blocker.username] }, "FORBIDDEN");
  });
});

describe("members and roles", () => {
  it("admins add and remove; members may not; nobody removes the owner; only the owner removes an admin", async () => {
    const [owner, admin, member, newcomer] = await users(4);
    const group = await createGroup(owner, [admin, member]);
    await refused(admin, ROLE, { c: group.id, u: member.username, r: "ADMIN" }, "FORBIDDEN");
    expect(
      roles((await as(owner, ROLE, { c: group.id, u: admin.username, r: "ADMIN" })).setMemberRole.members.nodes),
    ).toMatchObject({ [admin.username]: "ADMIN" });
    await refused(member, ADD, { c: group.id, u: [newcomer.username] }, "FORBIDDEN");
    await refused(member, RENAME, { c: group.id, t: "mine" }, "FORBIDDEN");
    await refused(member, REMOVE, { c: group.id, u: admin.username }, "FORBIDDEN");
    expect((await as(admin, ADD, { c: group.id, u: [newcomer.username] })).addMembers.members.totalCount).toBe(4);
    await refused(admin, ADD, { c: group.id, u: [newcomer.username] }, "CONFLICT");
    await refused(admin, REMOVE, { c: group.id, u: owner.username }, "FORBIDDEN");
    await as(owner, ROLE, { c: group.id, u: member.username, r: "ADMIN" });
    await refused(admin, REMOVE, { c: group.id, u: member.username }, "FORBIDDEN");
    await as(owner, REMOVE, { c: group.id, u: member.username });
    await as(admin, REMOVE, { c: group.id, u: newcomer.username });
    await refused(member, SEND, { c: group.id, t: "still here?" }, "FORBIDDEN");
    expect((await as(admin, RENAME, { c: group.id, t: "Renamed" })).renameGroup.title).toBe("Renamed");
    const actions = (await history(owner, group.id)).messages.map((m) => m.system?.action);
    expect(actions).toEqual([
      "GROUP_CREATED",
      "ROLE_CHANGED",
      "MEMBERS_ADDED",
      "ROLE_CHANGED",
      "MEMBER_REMOVED",
      "MEMBER_REMOVED",
      "GROUP_RENAMED",
    ]);
  });

  it("refuses adding past the maximum and adding someone who blocked the admin", async () => {
    const [owner, a, b, c, d] = await users(5);
    const group = await createGroup(owner, [a, b]);
    await as(d, BLOCK, { u: owner.username });
    await refused(owner, ADD, { c: group.id, u: [d.username] }, "FORBIDDEN");
    await refused(owner, ADD, { c: group.id, u: [c.username, d.username] }, "BAD_USER_INPUT");
    expect((await as(owner, ADD, { c: group.id, u: [c.username] })).addMembers.members.totalCount).toBe(MAX);
  });

  it("a removed member learns it live, then hears nothing more from the group", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    const bobLive = await listen(bob);
    await as(owner, REMOVE, { c: group.id, u: bob.username });
    expect(await bobLive.next()).toMatchObject({
      __typename: "GroupChangedEvent",
      removedMe: true,
      message: { system: { action: "MEMBER_REMOVED", users: [{ username: bob.username }] } },
    });
    await send(carol, group.id, "after bob");
    await refused(bob, HISTORY, { c: group.id }, "FORBIDDEN");
    await refused(bob, TYPING, { c: group.id }, "FORBIDDEN");
    await refused(bob, READ, { c: group.id }, "FORBIDDEN");
    // the next thing bob hears is from elsewhere: nothing of the group came in between
    const [dave] = await users(1);
    const other = await createGroup(dave, [bob], "other");
    expect(await bobLive.next()).toMatchObject({ __typename: "GroupChangedEvent", chatId: other.id });
    bobLive.close();
  });

  it("a ban removes and keeps out until unbanned; unbanning does not add back", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    await refused(carol, BAN, { c: group.id, u: bob.username }, "FORBIDDEN");
    await as(owner, BAN, { c: group.id, u: bob.username });
    await refused(owner, BAN, { c: group.id, u: bob.username }, "CONFLICT");
    await refused(bob, SEND, { c: group.id, t: "let me in" }, "FORBIDDEN");
    await refused(owner, ADD, { c: group.id, u: [bob.username] }, "FORBIDDEN");
    await as(owner, UNBAN, { c: group.id, u: bob.username });
    await refused(owner, UNBAN, { c: group.id, u: bob.username }, "CONFLICT");
    await refused(bob, SEND, { c: group.id, t: "in?" }, "FORBIDDEN");
    expect((await as(owner, ADD, { c: group.id, u: [bob.username] })).addMembers.members.totalCount).toBe(3);
    await send(bob, group.id, "back");
  });
});

describe("owner rules", () => {
  it("the owner hands over before leaving; the new owner has the owner's rights, the old one stays admin", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    await refused(owner, LEAVE, { c: group.id }, "CONFLICT");
    await refused(bob, TRANSFER, { c: group.id, u: bob.username }, "FORBIDDEN");
    const moved = (await as(owner, TRANSFER, { c: group.id, u: bob.username })).transferGroupOwnership;
    expect(moved.myRole).toBe("ADMIN");
    expect(roles(moved.members.nodes)).toMatchObject({ [bob.username]: "OWNER", [owner.username]: "ADMIN" });
    await refused(owner, DELETE, { c: group.id }, "FORBIDDEN");
    await refused(owner, REMOVE, { c: group.id, u: bob.username }, "FORBIDDEN");
    expect((await as(owner, LEAVE, { c: group.id })).leaveGroup).toBe(true);
    await refused(owner, HISTORY, { c: group.id }, "FORBIDDEN");
    const actions = (await history(bob, group.id)).messages.map((m) => m.system?.action);
    expect(actions.slice(-2)).toEqual(["OWNERSHIP_TRANSFERRED", "MEMBER_LEFT"]);
  });

  it("deleteGroup is the owner's and tells every member; the last member leaving deletes the group", async () => {
    const [owner, bob] = await users(2);
    const group = await createGroup(owner, [bob]);
    await refused(bob, DELETE, { c: group.id }, "FORBIDDEN");
    const bobLive = await listen(bob);
    expect((await as(owner, DELETE, { c: group.id })).deleteGroup).toBe(true);
    expect(await bobLive.next()).toMatchObject({
      __typename: "GroupDeletedEvent",
      chatId: group.id,
      byUserId: owner.id,
    });
    bobLive.close();
    await refused(bob, HISTORY, { c: group.id }, "NOT_FOUND");

    const alone = await createGroup(owner, [], "solo");
    await as(owner, LEAVE, { c: alone.id });
    await refused(owner, HISTORY, { c: alone.id }, "NOT_FOUND");
  });

  it("group operations refuse a DIRECT chat and a stranger", async () => {
    const [owner, bob, stranger] = await users(3);
    const direct = (
      await as(owner, `mutation($u: String!) { openChat(username: $u) { chat { id } } }`, { u: bob.username })
    ).openChat.chat.id;
    await refused(owner, RENAME, { c: direct, t: "nope" }, "BAD_USER_INPUT");
    const group = await createGroup(owner, [bob]);
    await refused(stranger, RENAME, { c: group.id, t: "mine" }, "FORBIDDEN");
    await refused(stranger, SEND, { c: group.id, t: "hi" }, "FORBIDDEN");
    await refused(stranger, LEAVE, { c: group.id }, "FORBIDDEN");
  });
});

describe("messages, read positions and blocks in a group", () => {
  it("one sendMessage reaches every member; unread counts derive from read positions, forward only", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    const [bobLive, carolLive] = [await listen(bob), await listen(carol)];
    const first = await send(owner, group.id, "one");
    await send(carol, group.id, "two");
    expect(await bobLive.next()).toMatchObject({ __typename: "MessageSentEvent", message: { content: "one" } });
    expect(await bobLive.next()).toMatchObject({ message: { content: "two", sender: { username: carol.username } } });
    expect((await carolLive.next()).message.content).toBe("one");
    expect((await carolLive.next()).message.content).toBe("two"); // the sender's own sockets too
    expect(await as(bob, UNREAD)).toEqual({ me: { unreadMessageCount: 2, unreadConversationCount: 1 } });
    expect((await as(bob, READ, { c: group.id, up: first.cursor })).markChatRead.unreadCount).toBe(1);
    for (const live of [bobLive, carolLive]) {
      expect(await live.next()).toMatchObject({ __typename: "ChatReadEvent", byUserId: bob.id, cursor: first.cursor });
    }
    const before = (await history(bob, group.id)).messages.map((m) => [m.content, m.isRead]);
    expect(before.slice(1)).toEqual([
      ["one", true],
      ["two", false],
    ]);
    // never back: reading an older cursor changes nothing and tells nobody
    expect((await as(bob, READ, { c: group.id, up: "1" })).markChatRead.unreadCount).toBe(1);
    expect((await as(bob, READ, { c: group.id })).markChatRead.unreadCount).toBe(0);
    expect(await bobLive.next()).toMatchObject({ __typename: "ChatReadEvent", byUserId: bob.id });
    expect(await as(bob, UNREAD)).toEqual({ me: { unreadMessageCount: 0, unreadConversationCount: 0 } });
    expect((await history(carol, group.id)).unread).toBe(1); // carol's position is her own
    await refused(bob, READ, { c: group.id, up: "x1" }, "BAD_USER_INPUT");
    bobLive.close();
    carolLive.close();
  });

  it("a block stops nobody writing; the blocker sees the blocked sender's messages flagged, never unread", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    await as(bob, BLOCK, { u: carol.username });
    const bobLive = await listen(bob);
    await send(carol, group.id, "from carol");
    await send(bob, group.id, "from bob"); // the blocker writes too
    await send(owner, group.id, "from owner");
    expect(await bobLive.next()).toMatchObject({
      message: { content: "from carol", isRead: true, senderBlockedByMe: true },
    });
    expect((await bobLive.next()).message).toMatchObject({ content: "from bob", senderBlockedByMe: false });
    expect((await bobLive.next()).message).toMatchObject({
      content: "from owner",
      isRead: false,
      senderBlockedByMe: false,
    });
    bobLive.close();
    const seen = await history(bob, group.id);
    expect(seen.unread).toBe(1);
    expect(seen.messages.slice(1).map((m) => [m.content, m.senderBlockedByMe, m.isRead])).toEqual([
      ["from carol", true, true],
      ["from bob", false, true],
      ["from owner", false, false],
    ]);
    expect((await as(bob, UNREAD)).me.unreadMessageCount).toBe(1);
    // carol, who is blocked, counts both as unread
    expect((await history(carol, group.id)).unread).toBe(2);
    await as(bob, `mutation($u: String!) { unblockUser(username: $u) { id } }`, { u: carol.username });
    expect((await history(bob, group.id)).unread).toBe(2);
  });

  it("typing reaches the other members with who is typing", async () => {
    const [owner, bob, carol] = await users(3);
    const group = await createGroup(owner, [bob, carol]);
    const [bobLive, carolLive] = [await listen(bob), await listen(carol)];
    expect((await as(carol, TYPING, { c: group.id })).setTyping).toBe(true);
    expect(await bobLive.next()).toEqual({
      __typename: "TypingEvent",
      chatId: group.id,
      user: { username: carol.username },
    });
    // carol's own sockets do not hear her typing: her next event is the message
    await send(owner, group.id, "hi");
    expect((await carolLive.next()).__typename).toBe("MessageSentEvent");
    bobLive.close();
    carolLive.close();
  });
});
