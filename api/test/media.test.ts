// Media uploads in both storage modes: the filesystem store served by Parley and S3 (a real @20minutes/s3rver on
// loopback, checking signatures). Real HTTP uploads with fetch, real images from sharp, every refusal.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobKeys } from "../src/domains/media/blob-store.ts";
import { type BlobStoreConfig, mediaSettings } from "../src/domains/media/media.settings.ts";
import { codeOf, gql, startServer, type TestServer } from "./harness.ts";
import {
  absolute,
  COMPLETE_UPLOAD,
  CREATE_UPLOAD,
  elf,
  hasGpsTag,
  jpegWithGps,
  mediaClient,
  pdf,
  png,
  put,
  startS3,
} from "./media.helpers.ts";

const MAX_BYTES = 300_000;
const DAILY_BYTES = 1_000_000;

describe.each(["filesystem", "s3"] as const)("media with the %s store", (kind) => {
  let server: TestServer;
  let s3: Awaited<ReturnType<typeof startS3>> | undefined;
  const client = mediaClient(() => server);

  beforeAll(async () => {
    s3 = kind === "s3" ? await startS3() : undefined;
    const store: BlobStoreConfig = s3?.store ?? { kind: "filesystem", dir: undefined };
    server = await startServer({
      config: {
        media: mediaSettings(store, { maxBytes: MAX_BYTES, dailyBytes: DAILY_BYTES, extraTypes: ["application/pdf"] }),
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await s3?.stop();
  });

  const storeOf = () => server.app.services.media.store;
  const rowOf = (id: string) => server.app.prisma.attachment.findUnique({ where: { id } });
  /** Nothing kept of an upload: no record, no blob under any of its keys. */
  async function expectNothingKept(id: string) {
    expect(await rowOf(id)).toBeNull();
    for (const key of Object.values(blobKeys(id))) expect(await storeOf().size(key)).toBeNull();
  }

  it("a PNG goes up by its signed URL, is completed with its dimensions and downloads as an image with a thumbnail", async () => {
    const { alice, chatId } = await client.chat();
    const body = await png(64, 48);
    const attachment = await client.upload(alice, chatId, body);
    expect(attachment).toMatchObject({ filename: "photo.png", contentType: "image/png", width: 64, height: 48 });
    const file = await fetch(absolute(server, attachment.url));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("content-disposition")).toMatch(/^inline; filename="photo.png"/);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(attachment.size);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 64, height: 48 });
    const thumb = await fetch(absolute(server, attachment.thumbnailUrl));
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ format: "webp", width: 64 });
    // the raw upload is gone once the verified file is stored
    expect(await storeOf().size(blobKeys(attachment.id).upload)).toBeNull();
  });

  it("a JPEG loses its EXIF (GPS, copyright, orientation) and is turned upright", async () => {
    const { alice, chatId } = await client.chat();
    const body = await jpegWithGps();
    const before = await sharp(body).metadata();
    expect(hasGpsTag(before.exif)).toBe(true);
    expect(before.orientation).toBe(6);
    const attachment = await client.upload(alice, chatId, body, "image/jpeg", "holiday.jpg");
    expect(attachment).toMatchObject({ contentType: "image/jpeg", width: 48, height: 64 });
    const bytes = Buffer.from(await (await fetch(absolute(server, attachment.url))).arrayBuffer());
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: "jpeg", width: 48, height: 64 });
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(bytes.includes("Secret-Owner")).toBe(false);
    expect(bytes.includes("Exif\u0000\u0000")).toBe(false);
  });

  it("an executable named .png is refused at completion and deleted", async () => {
    const { alice, chatId } = await client.chat();
    const ticket = await client.ticket(alice, chatId, await elf(), "image/png", "cat.png");
    expect((await put(server, ticket, await elf())).ok).toBe(true);
    const error = await client.refused(alice, COMPLETE_UPLOAD, { u: ticket.uploadId }, "BAD_USER_INPUT");
    expect(error?.message).toMatch(/elf/i);
    await expectNothingKept(ticket.uploadId);
  });

  it("bytes of another image type than declared are refused and deleted", async () => {
    const { alice, chatId } = await client.chat();
    const jpeg = await jpegWithGps();
    const ticket = await client.ticket(alice, chatId, jpeg, "image/png");
    expect((await put(server, ticket, jpeg)).ok).toBe(true);
    const error = await client.refused(alice, COMPLETE_UPLOAD, { u: ticket.uploadId }, "BAD_USER_INPUT");
    expect(error?.message).toContain("image/jpeg, not image/png");
    await expectNothingKept(ticket.uploadId);
  });

  it("an extra type (MEDIA_EXTRA_TYPES) is accepted, verified by its bytes, and downloads as an attachment", async () => {
    const { alice, chatId } = await client.chat();
    const attachment = await client.upload(alice, chatId, pdf(), "application/pdf", 'report "final".pdf');
    expect(attachment).toMatchObject({ contentType: "application/pdf", width: null, height: null, thumbnailUrl: null });
    const file = await fetch(absolute(server, attachment.url));
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toBe(
      `attachment; filename="report _final_.pdf"; filename*=UTF-8''report%20%22final%22.pdf`,
    );
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf())).toBe(true);
  });

  it("refuses types that are not accepted, before anything is stored", async () => {
    const { alice, chatId } = await client.chat();
    for (const type of ["application/x-msdownload", "image/svg+xml", "text/html"]) {
      const error = await client.refused(alice, CREATE_UPLOAD, { c: chatId, f: "x", t: type, s: 10 }, "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("contentType");
    }
    expect(await server.app.prisma.attachment.count({ where: { uploaderId: alice.id } })).toBe(0);
  });

  it("refuses a non-member, a declared size over the limit and an empty file", async () => {
    const { alice, chatId } = await client.chat();
    const [mallory] = await client.users(1);
    await client.refused(mallory, CREATE_UPLOAD, { c: chatId, f: "a.png", t: "image/png", s: 10 }, "FORBIDDEN");
    const over = { c: chatId, f: "a.png", t: "image/png", s: MAX_BYTES + 1 };
    expect((await client.refused(alice, CREATE_UPLOAD, over, "BAD_USER_INPUT"))?.extensions?.field).toBe("size");
    await client.refused(alice, CREATE_UPLOAD, { ...over, s: 0 }, "BAD_USER_INPUT");
    await client.as(alice, CREATE_UPLOAD, { ...over, s: MAX_BYTES });
    expect(await server.app.prisma.attachment.count({ where: { chatId } })).toBe(1);
  });

  it("the upload URL takes only the declared size and type", async () => {
    const { alice, chatId } = await client.chat();
    const body = await png();
    const ticket = await client.ticket(alice, chatId, body);
    const bigger = Buffer.concat([body, Buffer.alloc(100)]);
    expect((await put(server, ticket, bigger)).status).toBeGreaterThanOrEqual(400);
    expect((await put(server, ticket, body.subarray(0, body.length - 1))).status).toBeGreaterThanOrEqual(400);
    expect((await put(server, ticket, body, { "content-type": "text/html" })).status).toBeGreaterThanOrEqual(400);
    expect(await storeOf().size(blobKeys(ticket.uploadId).upload)).toBeNull();
    await client.refused(alice, COMPLETE_UPLOAD, { u: ticket.uploadId }, "CONFLICT"); // nothing uploaded yet
    expect((await put(server, ticket, body)).ok).toBe(true); // the exact bytes still go
  });

  it("a stored blob whose real size differs from the declared one is refused at completion and deleted", async () => {
    const { alice, chatId } = await client.chat();
    const body = await png();
    const ticket = await client.ticket(alice, chatId, body);
    // a store that let a different size through (no S3-compatible server enforces presigned POST policies)
    const served = { contentType: "image/png", filename: "photo.png", inline: true };
    await storeOf().write(blobKeys(ticket.uploadId).upload, Buffer.concat([body, Buffer.alloc(10)]), served);
    const error = await client.refused(alice, COMPLETE_UPLOAD, { u: ticket.uploadId }, "BAD_USER_INPUT");
    expect(error?.message).toContain(`not the ${body.length} announced`);
    await expectNothingKept(ticket.uploadId);
  });

  it("someone else's upload id is not found, and completing twice returns the same attachment", async () => {
    const { alice, bob, chatId } = await client.chat();
    const body = await png();
    const ticket = await client.ticket(alice, chatId, body);
    await put(server, ticket, body);
    await client.refused(bob, COMPLETE_UPLOAD, { u: ticket.uploadId }, "NOT_FOUND");
    expect((await rowOf(ticket.uploadId))?.completedAt).toBeNull();
    const first = await client.as(alice, COMPLETE_UPLOAD, { u: ticket.uploadId });
    const again = await client.as(alice, COMPLETE_UPLOAD, { u: ticket.uploadId });
    expect(again.completeUpload.id).toBe(first.completeUpload.id);
    await client.refused(alice, COMPLETE_UPLOAD, { u: "not-a-uuid" }, "NOT_FOUND");
  });

  it("a user's announced bytes per day are capped (RATE_LIMITED, with retryAfter)", async () => {
    const { alice, chatId } = await client.chat();
    const vars = { c: chatId, f: "a.png", t: "image/png", s: MAX_BYTES };
    for (let used = 0; used + MAX_BYTES <= DAILY_BYTES; used += MAX_BYTES) await client.as(alice, CREATE_UPLOAD, vars);
    const error = await client.refused(alice, CREATE_UPLOAD, vars, "RATE_LIMITED");
    const { retryAfter } = (error?.extensions ?? {}) as { retryAfter?: number };
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    const [bob] = await client.users(1);
    const other = await gql(
      server,
      `mutation($u: String!) { openChat(username: $u) { chat { id } } }`,
      { u: alice.username },
      bob,
    );
    await client.as(bob, CREATE_UPLOAD, { ...vars, c: other.data?.openChat.chat.id }); // per user
  });

  it("uploads never attached are deleted after a day with their blobs; newer ones stay", async () => {
    const { alice, chatId } = await client.chat();
    const old = await client.upload(alice, chatId, await png());
    const fresh = await client.upload(alice, chatId, await png());
    const pending = await client.ticket(alice, chatId, await png());
    await put(server, pending, await png());
    await server.app.prisma.attachment.updateMany({
      where: { id: { in: [old.id, pending.uploadId] } },
      data: { createdAt: new Date(Date.now() - 25 * 3600 * 1000) },
    });
    expect(await server.app.services.media.deleteAbandoned()).toBe(2);
    await expectNothingKept(old.id);
    await expectNothingKept(pending.uploadId);
    expect(await rowOf(fresh.id)).not.toBeNull();
    expect(await storeOf().size(blobKeys(fresh.id).file)).toBeGreaterThan(0);
  });

  it("upload URLs expire after MEDIA_UPLOAD_TTL and download URLs after MEDIA_URL_TTL; expired ones are refused", async () => {
    const { alice, chatId } = await client.chat();
    const body = await png();
    const startedAt = Date.now();
    const ticket = await client.ticket(alice, chatId, body);
    const expiresIn = Date.parse(String((ticket as { expiresAt?: string }).expiresAt)) - startedAt;
    expect(Math.abs(expiresIn - server.app.services.media.settings.uploadTtl * 1000)).toBeLessThan(5000);
    const attachment = await client.upload(alice, chatId, body);
    // the same store signing with an expiry already past
    const past = new Date(Date.now() - 2000);
    const served = { contentType: "image/png", filename: "photo.png", inline: true };
    const late = await storeOf().uploadUrl(blobKeys(ticket.uploadId).upload, {
      contentType: "image/png",
      size: body.length,
      expiresAt: past,
    });
    expect(
      (await put(server, { ...ticket, ...late, headers: [{ name: "content-type", value: "image/png" }] }, body)).status,
    ).toBe(403);
    expect(await storeOf().size(blobKeys(ticket.uploadId).upload)).toBeNull();
    const stale = await storeOf().downloadUrl(blobKeys(attachment.id).file, served, past);
    expect((await fetch(absolute(server, stale))).status).toBe(403);
    expect((await fetch(absolute(server, attachment.url))).status).toBe(200);
  });

  it("an unauthenticated client cannot announce uploads", async () => {
    const result = await gql(server, CREATE_UPLOAD, { c: crypto.randomUUID(), f: "a", t: "image/png", s: 1 });
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
  });
});
