// The filesystem store's own HTTP routes: signatures, streaming size enforcement, ranges and download headers.
import { afterAll, beforeAll, expect, it } from "vitest";
import { blobKeys } from "../src/domains/media/blob-store.ts";
import { mediaSettings } from "../src/domains/media/media.settings.ts";
import { startServer, type TestServer } from "./harness.ts";
import { absolute, mediaClient, pdf, png, put } from "./media.helpers.ts";

let server: TestServer;
const client = mediaClient(() => server);

beforeAll(async () => {
  const store = { kind: "filesystem" as const, dir: undefined };
  server = await startServer({ config: { media: mediaSettings(store, { extraTypes: ["application/pdf"] }) } });
});
afterAll(async () => {
  await server?.stop();
});

/** `url` with one query parameter replaced. */
function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(absolute(server, url));
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

it("downloads answer single ranges (206), suffix ranges, HEAD, and 416 past the end", async () => {
  const { alice, chatId } = await client.chat();
  const attachment = await client.upload(alice, chatId, await png(200, 100));
  const url = absolute(server, attachment.url);
  const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
  const first = await fetch(url, { headers: { range: "bytes=0-9" } });
  expect(first.status).toBe(206);
  expect(first.headers.get("content-range")).toBe(`bytes 0-9/${whole.length}`);
  expect(Buffer.from(await first.arrayBuffer()).equals(whole.subarray(0, 10))).toBe(true);
  const tail = await fetch(url, { headers: { range: "bytes=-5" } });
  expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(-5))).toBe(true);
  const open = await fetch(url, { headers: { range: "bytes=20-" } });
  expect(Buffer.from(await open.arrayBuffer()).equals(whole.subarray(20))).toBe(true);
  const past = await fetch(url, { headers: { range: `bytes=${whole.length}-` } });
  expect(past.status).toBe(416);
  expect(past.headers.get("content-range")).toBe(`bytes */${whole.length}`);
  const head = await fetch(url, { method: "HEAD" });
  expect(head.headers.get("content-length")).toBe(String(whole.length));
  expect(head.headers.get("accept-ranges")).toBe("bytes");
});

it("downloads carry the signed type, nosniff, and a disposition no filename can break out of", async () => {
  const { alice, chatId } = await client.chat();
  const image = await client.upload(alice, chatId, await png(), "image/png", 'evil"\r\nX-Injected: 1\\фото 😀.png');
  const response = await fetch(absolute(server, image.url));
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("content-type")).toBe("image/png");
  expect(response.headers.get("x-injected")).toBeNull();
  // path separators end the name (only the last segment is kept), controls are dropped
  expect(image.filename).toBe("фото 😀.png");
  expect(response.headers.get("content-disposition")).toBe(
    `inline; filename="____ __.png"; filename*=UTF-8''${encodeURIComponent("фото 😀.png")}`,
  );
  const document = await client.upload(alice, chatId, pdf(), "application/pdf", "notes.pdf");
  const download = await fetch(absolute(server, document.url));
  expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="notes.pdf"/);
});

it("a URL whose parameters, key or method were changed is refused (403, 405)", async () => {
  const { alice, chatId } = await client.chat();
  const attachment = await client.upload(alice, chatId, await png());
  expect((await fetch(withParam(attachment.url, "type", "text/html"))).status).toBe(403);
  expect((await fetch(withParam(attachment.url, "disposition", "attachment"))).status).toBe(403);
  expect((await fetch(withParam(attachment.url, "exp", "9999999999"))).status).toBe(403);
  const other = absolute(server, attachment.url).replace(`file/${attachment.id}`, `thumb/${attachment.id}`);
  expect((await fetch(other)).status).toBe(403);
  expect((await fetch(absolute(server, attachment.url), { method: "PUT", body: "x" })).status).toBe(405);
  expect((await fetch(absolute(server, "/media/file/..%2F..%2Fdb"))).status).toBe(404);
});

it("an upload streamed without Content-Length is cut off past the signed size and nothing is kept", async () => {
  const { alice, chatId } = await client.chat();
  const body = await png();
  const ticket = await client.ticket(alice, chatId, body);
  const chunks = [body, Buffer.alloc(64 * 1024)];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(new Uint8Array(next));
      else controller.close();
    },
  });
  const response = await fetch(absolute(server, ticket.url), {
    method: "PUT",
    headers: { "content-type": "image/png" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  expect(response.status).toBe(413);
  expect(await server.app.services.media.store.size(blobKeys(ticket.uploadId).upload)).toBeNull();
  expect((await put(server, ticket, body)).status).toBe(200);
  expect(await server.app.services.media.store.size(blobKeys(ticket.uploadId).upload)).toBe(body.length);
});
