import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, startServer, type TestServer } from "../harness.ts";
import { legacyUser } from "./legacy-client.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const ISO_PY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

describe("legacy new_message, end to end in process", () => {
  it("is stored and echoed to every socket of both users, timestamp verbatim", async () => {
    const [alice, bob] = await Promise.all([legacyUser(server), legacyUser(server)]);
    const chatId = await openChat(server, alice.user, bob.username);
    const [a1, a2, b] = await Promise.all([alice.connect(), alice.connect(), bob.connect()]);
    a1.send({ action: "new_message", data: { chat_id: chatId.toUpperCase(), content: "hi 👋", timestamp: "tab-1" } });
    const frames = await Promise.all([a1.next(), a2.next(), b.next()]);
    for (const frame of frames) {
      expect(Object.keys(frame)).toEqual(["action", "data"]);
      expect(frame.action).toBe("new_message");
      expect(Object.keys(frame.data ?? {})).toEqual([
        "chat_id",
        "id",
        "content",
        "date",
        "sender",
        "is_read",
        "is_liked",
        "timestamp",
      ]);
      expect(frame.data).toMatchObject({
        chat_id: chatId,
        content: "hi 👋",
        sender: alice.username,
        is_read: false,
        is_liked: false,
        timestamp: "tab-1",
      });
      expect(frame.data?.date).toMatch(ISO_PY);
    }
    const stored = await server.app.prisma.message.findMany({ where: { chatId } });
    expect(stored.map((m) => [m.id, m.content])).toEqual([[frames[0].data?.id, "hi 👋"]]);
    await Promise.all([a1.close(), a2.close(), b.close()]);
  });
});
