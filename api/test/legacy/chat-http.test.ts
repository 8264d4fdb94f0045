// The legacy chat endpoints (protocol §8.2): exact statuses, bodies, key order, texts, pagination and ordering.
// Both storage modes (the vitest projects).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness.ts";
import { type ChatUser, chatUsers, ISO_HTTP, messagesOf, openChat, sendAsGraphql } from "./chat.helpers.ts";
import { LegacyHttp } from "./cookie-jar.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const json = (value: unknown) => JSON.stringify(value);
const AVATAR = "/img/default_avatar.png";

/** ChatBase about `peer`, as `viewer` sees it. */
const base = (chatId: string, peer: ChatUser, flags: Partial<Record<string, boolean>> = {}) => ({
  chat_id: chatId,
  username: peer.username,
  nickname: peer.username,
  avatar: AVATAR,
  is_online: flags.is_online ?? true,
  is_blocked_user: flags.is_blocked_user ?? false,
  is_blocked_by_user: flags.is_blocked_by_user ?? false,
});

async function block(blocker: ChatUser, blocked: ChatUser) {
  const response = await blocker.http.post(`/api/users/${blocker.username}/blocked_users`, {
    username: blocked.username,
  });
  expect(response.status).toBe(201);
}

/** Every request is activity: a user who made one is online. */
const goOnline = (user: ChatUser) => user.http.get("/api/self");

describe("PUT /api/chats/{username}", () => {
  it("201 when it creates the chat, 200 after (from either side, any case), ChatBase and the messages", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    await goOnline(bob);
    const created = await alice.http.put(`/api/chats/${bob.username}`);
    expect(created.status).toBe(201);
    const chatId = created.body.chat_id;
    expect(json(created.body)).toBe(json({ ...base(chatId, bob), messages: [] }));

    const again = await bob.http.put(`/api/chats/${alice.username.toUpperCase()}`);
    expect(again.status).toBe(200);
    expect(json(again.body)).toBe(json({ ...base(chatId, alice), messages: [] }));
    expect((await alice.http.put(`/api/chats/${bob.username}`)).status).toBe(200);
  });

  it("holds the 30 newest messages, newest first, as ChatMessage", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const sent = [];
    for (let index = 0; index < 32; index++) sent.push(await sendAsGraphql(server, alice, chatId, `m${index}`));
    const { status, body } = await bob.http.put(`/api/chats/${alice.username}`);
    expect(status).toBe(200);
    expect(body.messages.map((message: { content: string }) => message.content)).toEqual(
      Array.from({ length: 30 }, (_, index) => `m${31 - index}`),
    );
    const [newest] = body.messages;
    expect(json(newest)).toBe(
      json({
        content: "m31",
        date: newest.date,
        sender: alice.username,
        is_read: false,
        is_liked: false,
        id: sent[31]?.id,
      }),
    );
    expect(newest.date).toMatch(ISO_HTTP);
  });

  it("gets or creates across a block, either way, with the flags set", async () => {
    const [alice, carol] = await chatUsers(server, 2);
    await block(carol, alice);
    const created = await alice.http.put(`/api/chats/${carol.username}`);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ is_blocked_user: false, is_blocked_by_user: true });
    const existing = await carol.http.put(`/api/chats/${alice.username}`);
    expect(existing.status).toBe(200);
    expect(existing.body).toMatchObject({
      chat_id: created.body.chat_id,
      is_blocked_user: true,
      is_blocked_by_user: false,
    });
  });

  it("404 names the user as given, 422 for myself in any case, 403 without the CSRF header, 401 unauthenticated", async () => {
    const [alice] = await chatUsers(server, 1);
    const missing = await alice.http.put("/api/chats/NoSuchUser_x");
    expect(missing).toMatchObject({ status: 404, body: { msg: "User NoSuchUser_x not found." } });
    const long = await alice.http.put(`/api/chats/${"y".repeat(300)}`);
    expect(long).toMatchObject({ status: 404, body: { msg: `User ${"y".repeat(300)} not found.` } });
    const self = await alice.http.put(`/api/chats/${alice.username.toUpperCase()}`);
    expect(self).toMatchObject({ status: 422, body: { msg: "Cannot get chat with yourself." } });
    expect((await alice.http.request("PUT", `/api/chats/${alice.username}x`, { csrf: false })).status).toBe(403);

    const anonymous = new LegacyHttp(new URL(server.url).origin);
    anonymous.mintCsrfToken();
    expect(await anonymous.put(`/api/chats/${alice.username}`)).toMatchObject({
      status: 401,
      body: { msg: "Unauthorized." },
    });
  });
});

describe("GET /api/chats", () => {
  it("every chat of mine, blocked and message-less ones included, by latest activity, with unread counts", async () => {
    const [alice, dave, bob, carol, erin] = await chatUsers(server, 5);
    await Promise.all([bob, carol, dave, erin].map(goOnline));
    const chatAE = await openChat(alice, erin); // no message: by its creation time, the oldest activity
    const chatAD = await openChat(alice, dave);
    await sendAsGraphql(server, alice, chatAD, "to dave");
    const chatAB = await openChat(bob, alice);
    await sendAsGraphql(server, bob, chatAB, "one");
    const last = await sendAsGraphql(server, bob, chatAB, "two");
    const chatAC = await openChat(alice, carol);
    await sendAsGraphql(server, carol, chatAC, "hello");
    await block(carol, alice);

    const { status, body } = await alice.http.get("/api/chats");
    expect(status).toBe(200);
    const lastOfBob = body.items[1].last_message;
    expect(lastOfBob.date).toMatch(ISO_HTTP);
    expect(json(body.items[1])).toBe(
      json({
        ...base(chatAB, bob),
        unread_messages_count: 2,
        last_message: {
          content: "two",
          date: lastOfBob.date,
          sender: bob.username,
          is_read: false,
          is_liked: false,
          id: last.id,
        },
      }),
    );
    // blocking marked carol's message read (§8.5)
    expect(body.items[0]).toMatchObject({
      ...base(chatAC, carol, { is_blocked_by_user: true }),
      unread_messages_count: 0,
    });
    expect(body.items[2]).toMatchObject({ chat_id: chatAD, unread_messages_count: 0 });
    expect(body.items[2].last_message).toMatchObject({ content: "to dave", sender: alice.username });
    expect(json(body.items[3])).toBe(json({ ...base(chatAE, erin), unread_messages_count: 0, last_message: null }));
    expect(body.count).toBe(4);

    const page = await alice.http.get("/api/chats?&limit=2&offset=1");
    expect(page.body.count).toBe(4);
    expect(page.body.items.map((item: { chat_id: string }) => item.chat_id)).toEqual([chatAB, chatAD]);
    expect((await alice.http.get("/api/chats?limit=10&offset=10")).body).toEqual({ items: [], count: 4 });
  });

  it("422 lists for bad limit and offset, 401 unauthenticated", async () => {
    const [alice] = await chatUsers(server, 1);
    const bad = await alice.http.get("/api/chats?limit=0&offset=-1");
    expect(bad.status).toBe(422);
    expect(json(bad.body)).toBe(
      json([
        {
          type: "greater_than_equal",
          loc: ["query", "limit"],
          msg: "Input should be greater than or equal to 1",
          ctx: { ge: 1 },
        },
        {
          type: "greater_than_equal",
          loc: ["query", "offset"],
          msg: "Input should be greater than or equal to 0",
          ctx: { ge: 0 },
        },
      ]),
    );
    const anonymous = new LegacyHttp(new URL(server.url).origin);
    expect(await anonymous.get("/api/chats")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
  });
});

describe("GET /api/chats/{username}/messages", () => {
  it("newest first, limit/offset with {items, count}; a limit past the API's page size is served whole", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const total = 125;
    await Promise.all(
      Array.from({ length: total }, (_, index) => sendAsGraphql(server, index % 2 ? bob : alice, chatId, `m${index}`)),
    );
    const all = await messagesOf(bob, alice, "limit=1000");
    expect(all.count).toBe(total);
    expect(all.items).toHaveLength(total);
    expect(new Set(all.items.map((item) => item.id)).size).toBe(total);

    const defaults = await messagesOf(bob, alice, "");
    expect(defaults.items).toEqual(all.items.slice(0, 10));
    expect(await messagesOf(bob, alice, "limit=30&offset=110")).toEqual({ items: all.items.slice(110), count: total });
    expect(await messagesOf(bob, alice, `offset=${total}`)).toEqual({ items: [], count: total });
    // the other side, by a path name in another case, reads the same chat
    expect(await messagesOf(alice, { ...bob, username: bob.username.toUpperCase() }, "limit=3")).toEqual({
      items: all.items.slice(0, 3),
      count: total,
    });
    // concurrent sends are in commit order; a later one comes first
    const last = await sendAsGraphql(server, alice, chatId, "newest");
    expect((await messagesOf(bob, alice, "limit=1")).items.map((item) => item.id)).toEqual([last.id]);
  });

  it("404 for an unknown user (as given) or no chat (canonical name), 422 for myself, 422 for bad pages first", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    expect(await alice.http.get("/api/chats/Ghost_z/messages")).toMatchObject({
      status: 404,
      body: { msg: "User Ghost_z not found." },
    });
    expect(await alice.http.get(`/api/chats/${bob.username.toUpperCase()}/messages`)).toMatchObject({
      status: 404,
      body: { msg: `Chat with Profile of ${bob.username} was not found.` },
    });
    expect(await alice.http.get(`/api/chats/${alice.username.toUpperCase()}/messages`)).toMatchObject({
      status: 422,
      body: { msg: "Cannot get messages with yourself." },
    });
    const bad = await alice.http.get("/api/chats/Ghost_z/messages?limit=abc");
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual([
      {
        type: "int_parsing",
        loc: ["query", "limit"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
      },
    ]);
  });

  it("reads a blocked chat (no blocking check), with the messages marked read by the block", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const { id } = await sendAsGraphql(server, bob, chatId, "before the block");
    await block(alice, bob);
    const { items, count } = await messagesOf(bob, alice);
    expect(count).toBe(1);
    expect(items[0]).toMatchObject({ id, is_read: true, is_liked: false, sender: bob.username });
  });
});
