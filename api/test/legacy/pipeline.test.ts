// Protocol §2.2 over real sockets: bad frames close with 3100, ignored ones do not, 50 frames per second per socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, startServer, type TestServer } from "../harness.ts";
import { type LegacySocket, type LegacyUser, legacyUser } from "./legacy-client.ts";

let server: TestServer;
let alice: LegacyUser;
let bob: LegacyUser;
let chatId: string;
beforeAll(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([legacyUser(server), legacyUser(server)]);
  chatId = await openChat(server, alice.user, bob.username);
});
afterAll(() => server.stop());

const send = (socket: LegacySocket, content: string, id = chatId) =>
  socket.send({ action: "new_message", data: { chat_id: id, content, timestamp: content } });

const storedCount = () => server.app.prisma.message.count({ where: { chatId } });

describe("bad frames close with 3100 and store nothing", () => {
  const frames: [string, (socket: LegacySocket) => void][] = [
    ["invalid JSON", (s) => s.send("{not json")],
    ["a JSON array", (s) => s.send("[]")],
    ["a JSON number", (s) => s.send("42")],
    ["JSON null", (s) => s.send("null")],
    ["a JSON string", (s) => s.send('"x"')],
    ["a binary frame", (s) => s.sendBinary(new Uint8Array([123, 125]))],
    ["an unknown action", (s) => s.send({ action: "chat_message", data: {} })],
    ["client-forged user_online", (s) => s.send({ action: "user_online", data: { username: alice.username } })],
    ["client-forged join_chat", (s) => s.send({ action: "join_chat", data: { chat_id: chatId } })],
    ["an array action", (s) => s.send({ action: ["new_message"], data: {} })],
    ["data null", (s) => s.send({ action: "new_message", data: null })],
    [
      "content a number",
      (s) => s.send({ action: "new_message", data: { chat_id: chatId, content: 1, timestamp: "t" } }),
    ],
    ["a bad UUID", (s) => send(s, "x", "nope")],
    ["an empty chat_id", (s) => send(s, "x", "")],
  ];
  for (const [name, badFrame] of frames) {
    it(name, async () => {
      const before = await storedCount();
      const socket = await alice.connect();
      badFrame(socket);
      expect((await socket.closed).code).toBe(3100);
      expect(await storedCount()).toBe(before);
    });
  }
});

describe("frames without an action are ignored", () => {
  it("the socket stays open and the next frame is processed", async () => {
    const socket = await alice.connect();
    for (const frame of [{}, { action: "" }, { action: null }, { action: 0 }, { action: false }, { data: { x: 1 } }]) {
      socket.send(frame);
    }
    send(socket, "after the ignored ones");
    expect((await socket.nextOf("new_message")).data?.content).toBe("after the ignored ones");
    await socket.close();
  });
});

describe("canonical ids", () => {
  for (const spelling of [(id: string) => id.toUpperCase(), (id: string) => id.replaceAll("-", "")]) {
    it(`chat_id ${spelling("<id>")} reaches both users with the canonical id`, async () => {
      const [a, b] = await Promise.all([alice.connect(), bob.connect()]);
      send(a, `spelled ${spelling("x")}`, spelling(chatId));
      for (const frame of await Promise.all([a.nextOf("new_message"), b.nextOf("new_message")])) {
        expect(frame.data).toMatchObject({ chat_id: chatId, content: `spelled ${spelling("x")}` });
      }
      await Promise.all([a.close(), b.close()]);
    });
  }

  // legacy built the chat group's name from the raw string: these crashed it (§2.4), so they close 3100
  for (const spelling of [(id: string) => `{${id}}`, (id: string) => `urn:uuid:${id}`]) {
    it(`chat_id ${spelling("<id>")} closes 3100`, async () => {
      const a = await alice.connect();
      send(a, "never stored", spelling(chatId));
      expect((await a.closed).code).toBe(3100);
    });
  }
});

describe("50 frames per rolling second, per socket", () => {
  it("the 51st frame closes that socket with 3100; another socket of the same user is unaffected", async () => {
    const [flooding, other] = await Promise.all([alice.connect(), alice.connect()]);
    for (let i = 0; i < 49; i++) flooding.send({});
    send(flooding, "the 50th frame");
    expect((await flooding.nextOf("new_message")).data?.content).toBe("the 50th frame");
    await other.nextOf("new_message");
    flooding.send({});
    expect((await flooding.closed).code).toBe(3100);

    send(other, "still open");
    expect((await other.nextOf("new_message")).data?.content).toBe("still open");
    await other.close();
  });
});
