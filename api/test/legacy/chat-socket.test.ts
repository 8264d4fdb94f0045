// The legacy chat over real /ws/events/ sockets (protocol §3.1–§3.3, §4.1–§4.2): golden frames, every recipient,
// and the absence of frames where legacy sends none. Both storage modes (the vitest projects).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness.ts";
import {
  type ChatUser,
  chatUsers,
  closeAll,
  httpDateOf,
  ISO_PY,
  messagesOf,
  newMessage,
  nextChatFrame,
  nextOfEach,
  openChat,
  sendAsGraphql,
  sendOn,
} from "./chat.helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const MISSING = "00000000-0000-4000-8000-000000000000";
const json = (value: unknown) => JSON.stringify(value);

async function block(blocker: ChatUser, blocked: ChatUser) {
  const response = await blocker.http.post(`/api/users/${blocker.username}/blocked_users`, {
    username: blocked.username,
  });
  expect(response.status).toBe(201);
}

describe("new_message", () => {
  it("reaches every socket of both users, the sender's too, and a socket opened before the chat existed", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const [a1, b1] = await Promise.all([alice.connect(), bob.connect()]); // before the chat exists
    const chatId = await openChat(alice, bob);
    const a2 = await alice.connect();
    const content = "hi 👋 <b>&amp;</b> \u200b";
    const timestamp = " 1740824430123-pending ✓ ";
    a1.send(newMessage(chatId.toUpperCase().replaceAll("-", ""), content, timestamp));
    const frames = await nextOfEach([a1, a2, b1]);

    const [stored] = (await messagesOf(bob, alice)).items;
    if (!stored) throw new Error("not stored");
    const date = frames[0]?.data?.date;
    expect(date).toMatch(ISO_PY);
    expect(httpDateOf(date)).toBe(stored.date);
    const golden = {
      action: "new_message",
      data: {
        chat_id: chatId,
        id: stored.id,
        content,
        date,
        sender: alice.username,
        is_read: false,
        is_liked: false,
        timestamp,
      },
    };
    for (const frame of frames) expect(json(frame)).toBe(json(golden));
    expect(stored).toEqual({
      content,
      date: stored.date,
      sender: alice.username,
      is_read: false,
      is_liked: false,
      id: stored.id,
    });
    await closeAll([a1, a2, b1]);
  });

  it("takes up to 255 code points, empty and whitespace content as is; drops 256 silently", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const [a1, b1] = await Promise.all([alice.connect(), bob.connect()]);
    a1.send(newMessage(chatId, "😀".repeat(256), "too long"));
    a1.send(newMessage(chatId, "x".repeat(256), "too long too"));
    for (const [index, content] of ["😀".repeat(255), "", " \n\t "].entries()) {
      await sendOn(a1, chatId, content, `ok-${index}`);
      expect((await nextChatFrame(b1)).data).toMatchObject({ content });
    }
    const { items, count } = await messagesOf(bob, alice);
    expect(count).toBe(3);
    expect(items.map((item) => item.content)).toEqual([" \n\t ", "", "😀".repeat(255)]);
    expect(a1.queued.filter((frame) => frame.action === "new_message")).toEqual([]);
    await closeAll([a1, b1]);
  });

  it("is dropped silently for an unknown chat and another pair's chat: no frame, no row, socket open", async () => {
    const [alice, bob, carol] = await chatUsers(server, 3);
    const chatAB = await openChat(alice, bob);
    const chatCB = await openChat(carol, bob);
    const [a1, b1, c1] = await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    a1.send(newMessage(chatCB, "intruding", "x"));
    a1.send(newMessage(MISSING, "nowhere", "y"));
    // frames run in order: the next message each socket gets is the one sent after the refused ones
    await sendOn(a1, chatAB, "after");
    expect((await nextChatFrame(b1)).data).toMatchObject({ content: "after", chat_id: chatAB });
    await sendOn(c1, chatCB, "carol's own");
    expect((await nextChatFrame(b1)).data).toMatchObject({ content: "carol's own" });
    expect((await messagesOf(bob, carol)).items.map((item) => item.content)).toEqual(["carol's own"]);
    expect((await messagesOf(bob, alice)).count).toBe(1);
    await closeAll([a1, b1, c1]);
  });

  it("is dropped silently in a chat with a block, either way", async () => {
    const [dave, erin, frank] = await chatUsers(server, 3);
    const chatId = await openChat(dave, erin);
    const chatDF = await openChat(dave, frank);
    const chatEF = await openChat(erin, frank);
    await block(dave, erin);
    const [d1, e1] = await Promise.all([dave.connect(), erin.connect()]);
    d1.send(newMessage(chatId, "from the blocker", "1"));
    e1.send(newMessage(chatId, "from the blocked", "2"));
    await sendOn(d1, chatDF, "dave elsewhere");
    await sendOn(e1, chatEF, "erin elsewhere");
    // a blocked chat still reads (200), and holds nothing
    expect(await messagesOf(erin, dave)).toEqual({ items: [], count: 0 });
    await closeAll([d1, e1]);
  });

  it("closes 3100 on data legacy refuses or crashed on, and stores nothing", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const bad = [
      { chat_id: chatId, content: "no timestamp" },
      { chat_id: chatId, content: "number", timestamp: 1 },
      { chat_id: chatId, content: null, timestamp: "t" },
      { chat_id: "", content: "empty id", timestamp: "t" },
      { chat_id: `{${chatId}}`, content: "braced", timestamp: "t" },
      { chat_id: `urn:uuid:${chatId}`, content: "urn", timestamp: "t" },
      { chat_id: "not-a-uuid", content: "bad", timestamp: "t" },
      null,
    ];
    const sockets = await Promise.all(bad.map(() => alice.connect()));
    for (const [index, data] of bad.entries()) sockets[index]?.send({ action: "new_message", data });
    const closes = await Promise.all(sockets.map((socket) => socket.closed));
    expect(closes.map((close) => close.code)).toEqual(bad.map(() => 3100));
    expect((await messagesOf(bob, alice)).count).toBe(0);
  });
});

describe("like_message / unlike_message", () => {
  it("broadcasts like_message to both users' sockets, the liker's included; an unlike is like_message false", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const [a1, b1, b2] = await Promise.all([alice.connect(), bob.connect(), bob.connect()]);
    const { id } = await sendOn(a1, chatId, "like me");
    await nextOfEach([b1, b2]);

    const frame = (isLiked: boolean) =>
      json({ action: "like_message", data: { id, chat_id: chatId, is_liked: isLiked } });
    b1.send({ action: "like_message", data: { id: id.toUpperCase(), chat_id: chatId } });
    for (const got of await nextOfEach([a1, b1, b2])) expect(json(got)).toBe(frame(true));
    expect((await messagesOf(alice, bob)).items[0]).toMatchObject({ id, is_liked: true });

    b2.send({ action: "unlike_message", data: { id, chat_id: chatId } });
    for (const got of await nextOfEach([a1, b1, b2])) expect(json(got)).toBe(frame(false));
    expect((await messagesOf(alice, bob)).items[0]).toMatchObject({ id, is_liked: false });

    // idempotent, and every repeat is broadcast again
    b1.send({ action: "unlike_message", data: { id, chat_id: chatId } });
    for (const got of await nextOfEach([a1, b1, b2])) expect(json(got)).toBe(frame(false));
    await closeAll([a1, b1, b2]);
  });

  it("does nothing for one's own message, another chat named, a chat not one's own, or across a block", async () => {
    const [alice, bob, carol] = await chatUsers(server, 3);
    const chatAB = await openChat(alice, bob);
    const chatCB = await openChat(carol, bob);
    const chatAC = await openChat(alice, carol);
    const [a1, b1, c1] = await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    const { id } = await sendOn(a1, chatAB, "liked by nobody");
    await nextChatFrame(b1);

    a1.send({ action: "like_message", data: { id, chat_id: chatAB } }); // own message
    b1.send({ action: "like_message", data: { id, chat_id: chatCB } }); // bob's chat, but not the message's
    c1.send({ action: "like_message", data: { id, chat_id: chatAB } }); // not carol's chat
    // each socket's next chat frame is what it sent after
    b1.send({ action: "unlike_message", data: { id, chat_id: chatAB } });
    const unliked = json({ action: "like_message", data: { id, chat_id: chatAB, is_liked: false } });
    for (const got of await nextOfEach([a1, b1])) expect(json(got)).toBe(unliked);
    expect((await sendOn(c1, chatAC, "carol syncs")).content).toBe("carol syncs");
    expect((await nextChatFrame(a1)).data).toMatchObject({ content: "carol syncs" });
    expect((await messagesOf(alice, bob)).items[0]).toMatchObject({ id, is_liked: false });

    await block(alice, bob);
    b1.send({ action: "like_message", data: { id, chat_id: chatAB } });
    await sendOn(b1, chatCB, "bob syncs");
    expect((await messagesOf(alice, bob)).items[0]).toMatchObject({ id, is_liked: false });
    expect(a1.queued.filter((frame) => frame.action === "like_message")).toEqual([]);
    await closeAll([a1, b1, c1]);
  });

  it("closes 3100 on bad ids, an empty one included", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const bad = [
      { id: "", chat_id: chatId },
      { id: "x", chat_id: chatId },
      { id: MISSING, chat_id: `{${chatId}}` },
      { id: MISSING },
      { id: 7, chat_id: chatId },
    ];
    const sockets = await Promise.all(bad.map(() => bob.connect()));
    for (const [index, data] of bad.entries()) sockets[index]?.send({ action: "like_message", data });
    const closes = await Promise.all(sockets.map((socket) => socket.closed));
    expect(closes.map((close) => close.code)).toEqual(bad.map(() => 3100));
  });
});

describe("read_message", () => {
  it("the receiver's read marks that message read, sends nothing; a stranger's or the sender's changes nothing", async () => {
    const [alice, bob, carol] = await chatUsers(server, 3);
    const chatAB = await openChat(alice, bob);
    const chatAC = await openChat(alice, carol);
    const [a1, b1, c1] = await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    const first = await sendOn(a1, chatAB, "one");
    await sendOn(a1, chatAB, "two");
    await nextChatFrame(b1);
    await nextChatFrame(b1);
    const unread = async () => (await bob.http.get("/api/chats")).body.items[0].unread_messages_count;
    expect(await unread()).toBe(2);

    c1.send({ action: "read_message", data: { id: first.id, chat_id: chatAB } });
    await sendOn(c1, chatAC, "carol syncs");
    a1.send({ action: "read_message", data: { id: first.id, chat_id: chatAB } });
    await sendOn(a1, chatAC, "alice syncs");
    expect(await unread()).toBe(2);

    // the frontend sends chat_id too; only id counts (here: another chat's id)
    b1.send({ action: "read_message", data: { id: first.id.toUpperCase(), chat_id: chatAC } });
    await sendOn(b1, chatAB, "bob syncs");
    expect(await unread()).toBe(1);
    const contents = (await messagesOf(bob, alice)).items.map((item) => [item.content, item.is_read]);
    expect(contents).toEqual([
      ["bob syncs", false],
      ["two", false],
      ["one", true],
    ]);
    // reads make no frame: whatever else the sockets got is messages (and presence)
    for (const socket of [a1, b1, c1]) {
      for (const frame of socket.queued) expect(["new_message", "user_online", "user_offline"]).toContain(frame.action);
    }
    await closeAll([a1, b1, c1]);
  });

  it("closes 3100 on a missing, empty or non-string id", async () => {
    const [alice] = await chatUsers(server, 1);
    const bad = [{}, { id: "" }, { id: 42 }, { id: null }];
    const sockets = await Promise.all(bad.map(() => alice.connect()));
    for (const [index, data] of bad.entries()) sockets[index]?.send({ action: "read_message", data });
    const closes = await Promise.all(sockets.map((socket) => socket.closed));
    expect(closes.map((close) => close.code)).toEqual(bad.map(() => 3100));
  });
});

describe("group chats (Parley's, unknown to legacy)", () => {
  it("are neither listed by GET /api/chats nor counted, and their messages make no frame", async () => {
    const [alice, bob] = await chatUsers(server, 2);
    const chatId = await openChat(alice, bob);
    const users = await server.app.prisma.user.findMany({
      where: { username: { in: [alice.username, bob.username] } },
    });
    const group = await server.app.prisma.chat.create({
      data: {
        kind: "GROUP",
        title: "team",
        ownerId: users[0]?.id ?? null,
        members: { create: users.map((user) => ({ userId: user.id })) },
      },
    });
    const b1 = await bob.connect();
    await sendAsGraphql(server, alice, group.id, "to the group");
    await sendAsGraphql(server, alice, chatId, "to bob");
    expect((await nextChatFrame(b1)).data).toMatchObject({ chat_id: chatId, content: "to bob" });
    const { body } = await bob.http.get("/api/chats");
    expect(body.count).toBe(1);
    expect(body.items.map((item: { chat_id: string }) => item.chat_id)).toEqual([chatId]);
    await b1.close();
  });
});
