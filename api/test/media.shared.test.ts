// Two instances on one PostgreSQL, one Redis and one blob store (an S3 server, or a shared data directory): an
// upload announced on one is completed, sent and downloaded through the other, and reaches the other's sockets.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlobStoreConfig, mediaSettings } from "../src/domains/media/media.settings.ts";
import {
  createTestDatabase,
  EventQueue,
  openChat,
  startServer,
  type TestDatabase,
  type TestServer,
  wsClient,
} from "./harness.ts";
import { absolute, COMPLETE_UPLOAD, jpegWithGps, mediaClient, put, startS3 } from "./media.helpers.ts";

const EVENTS = `subscription { chatEvents { __typename
  ... on MessageSentEvent { message { id attachments { id width height url thumbnailUrl } } } } }`;
const SEND_FILES = `mutation($c: ID!, $a: [ID!]) { sendMessage(chatId: $c, content: "", attachmentIds: $a) { id } }`;

describe.each(["filesystem", "s3"] as const)("two instances with the %s store", (kind) => {
  let database: TestDatabase;
  let one: TestServer;
  let two: TestServer;
  let stopStore: () => Promise<void>;
  const client = mediaClient(() => one);

  beforeAll(async () => {
    database = await createTestDatabase();
    let store: BlobStoreConfig;
    if (kind === "s3") {
      const s3 = await startS3();
      store = s3.store;
      stopStore = s3.stop;
    } else {
      const dir = await mkdtemp(join(tmpdir(), "parley-shared-media-"));
      store = { kind: "filesystem", dir };
      stopStore = () => rm(dir, { recursive: true, force: true });
    }
    const config = { media: mediaSettings(store) };
    [one, two] = [await startServer({ database, config }), await startServer({ database, config })];
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await database?.drop();
    await stopStore?.();
  });

  it("announced on one, uploaded and completed on the other, delivered and downloaded across them", async () => {
    const [alice, bob] = await client.users(2);
    const chatId = await openChat(one, alice, bob.username);
    const events = new EventQueue(wsClient(two, bob), EVENTS);
    await events.ready();
    const body = await jpegWithGps();
    const ticket = await client.ticket(alice, chatId, body, "image/jpeg", "trip.jpg");
    expect((await put(two, ticket, body)).status).toBe(200);
    const completed = await mediaClient(() => two).as(alice, COMPLETE_UPLOAD, { u: ticket.uploadId });
    expect(completed.completeUpload).toMatchObject({ width: 48, height: 64 });
    await client.as(alice, SEND_FILES, { c: chatId, a: [ticket.uploadId] });
    const [attachment] = (await events.next()).chatEvents.message.attachments;
    expect(attachment).toMatchObject({ id: ticket.uploadId, width: 48 });
    const file = await fetch(absolute(one, attachment.url));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    expect((await fetch(absolute(two, attachment.thumbnailUrl))).status).toBe(200);
    events.dispose();
  });
});
