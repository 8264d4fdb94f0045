// Issue 9 §3 for legacy clients: an attachment message reaches a legacy socket and the legacy chat history as
// its text plus one link per attachment, and the links download the images.
import { afterAll, beforeAll, expect, it } from "vitest";
import { signUp, startServer, type TestServer } from "../harness.ts";
import { mediaClient, png } from "../media.helpers.ts";
import { chatUser, nextChatFrame } from "./chat.helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const SEND_FILES = `mutation($c: ID!, $t: String!, $a: [ID!]) {
  sendMessage(chatId: $c, content: $t, attachmentIds: $a) { id } }`;

/** The text line and the paths of the links after it. */
function lines(content: string) {
  const [text, ...links] = content.split("\n");
  return { text, paths: links.map((link) => new URL(link, server.url).pathname), links };
}

it("a legacy client sees an attachment message as its text and one link per attachment", async () => {
  const media = mediaClient(() => server);
  const alice = await signUp(server);
  const bob = await chatUser(server);
  const opened = await bob.http.put(`/api/chats/${alice.username}`);
  expect(opened.status).toBe(201);
  const chatId: string = opened.body.chat_id;
  const socket = await bob.connect();
  const files = [await media.upload(alice, chatId, await png()), await media.upload(alice, chatId, await png())];
  await media.as(alice, SEND_FILES, { c: chatId, t: "look", a: files.map((file) => file.id) });

  const frame = (await nextChatFrame(socket)) as { action: string; data: { content: string } };
  expect(frame.action).toBe("new_message");
  const live = lines(frame.data.content);
  expect(live.text).toBe("look");
  expect(live.paths).toEqual(files.map((file) => `/media/file/${file.id}`));
  const download = await fetch(new URL(live.links[0] ?? "", server.url));
  expect(download.status).toBe(200);
  expect(download.headers.get("content-type")).toBe("image/png");

  const history = await bob.http.get(`/api/chats/${alice.username}/messages`);
  expect(history.status).toBe(200);
  const stored = lines(history.body.items[0].content);
  expect({ text: stored.text, paths: stored.paths }).toEqual({ text: live.text, paths: live.paths });
  await socket.close();
});
