// Media test fixtures: real image bytes made with sharp, a real S3-protocol server on loopback, real uploads.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";
import sharp from "sharp";
import type { BlobStoreConfig } from "../src/domains/media/media.settings.ts";
import { clientOf, openChat, type TestServer, type TestUser } from "./harness.ts";

export const red = (width = 64, height = 48) => sharp({ create: { width, height, channels: 3, background: "red" } });

export const png = (width?: number, height?: number) => red(width, height).png().toBuffer();

/** A JPEG with a copyright line, GPS coordinates and "rotate 90°" (orientation 6) in its EXIF. */
export const jpegWithGps = () =>
  red()
    .jpeg()
    .withExif({
      IFD0: { Copyright: "Alice Secret-Owner" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 3230/100",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 4366/100",
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();

/** The EXIF block holds a GPS IFD pointer (tag 0x8825), in either byte order. */
export function hasGpsTag(exif: Buffer | undefined): boolean {
  return !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
}

/** The start of a real executable (this Node binary): an ELF header. */
export const elf = async () => (await readFile(process.execPath)).subarray(0, 8192);

export const pdf = () =>
  Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n", "latin1");

export const BUCKET = "parley-media-test";

/** @20minutes/s3rver on 127.0.0.1, port 0, checking signatures. Failing to start fails the test file. */
export async function startS3(): Promise<{ store: BlobStoreConfig; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), "parley-s3rver-"));
  // its bucket-level API calls fail through the SDK (trailing slash): the bucket is made at start
  const s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  return {
    store: {
      kind: "s3",
      endpoint: `http://127.0.0.1:${port}`,
      bucket: BUCKET,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    },
    async stop() {
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export const CREATE_UPLOAD = `mutation($c: ID!, $f: String!, $t: String!, $s: Int!) {
  createUpload(chatId: $c, filename: $f, contentType: $t, size: $s) {
    uploadId url method headers { name value } expiresAt size contentType
  }
}`;
export const COMPLETE_UPLOAD = `mutation($u: ID!) {
  completeUpload(uploadId: $u) { id filename contentType size width height url thumbnailUrl }
}`;

export interface Ticket {
  uploadId: string;
  url: string;
  method: string;
  headers: { name: string; value: string }[];
  size: number;
}

/** A URL of the API: root-relative ones are on the Parley server. */
export const absolute = (server: { url: string }, url: string) => new URL(url, server.url).toString();

/** PUTs `body` to a ticket's URL with its headers (overridable), as a browser would. */
export function put(server: { url: string }, ticket: Ticket, body: Buffer, headers: Record<string, string> = {}) {
  const signed = Object.fromEntries(ticket.headers.map((header) => [header.name, header.value]));
  return fetch(absolute(server, ticket.url), {
    method: ticket.method,
    headers: { ...signed, ...headers },
    body: new Uint8Array(body),
  });
}

/** Steps of the upload flow as a real client runs them. */
export function mediaClient(server: () => TestServer) {
  const client = clientOf(server);
  return {
    ...client,
    /** Two users and their chat. */
    async chat(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
      const [alice, bob] = await client.users(2);
      return { alice, bob, chatId: await openChat(server(), alice, bob.username) };
    },
    async ticket(user: TestUser, chatId: string, body: Buffer, contentType = "image/png", filename = "photo.png") {
      const data = await client.as(user, CREATE_UPLOAD, { c: chatId, f: filename, t: contentType, s: body.length });
      return data.createUpload as Ticket;
    },
    /** Announce, upload and complete: the attachment. */
    async upload(user: TestUser, chatId: string, body: Buffer, contentType = "image/png", filename = "photo.png") {
      const ticket = await this.ticket(user, chatId, body, contentType, filename);
      const response = await put(server(), ticket, body);
      if (!response.ok) throw new Error(`upload refused: ${response.status} ${await response.text()}`);
      return (await client.as(user, COMPLETE_UPLOAD, { u: ticket.uploadId })).completeUpload;
    },
  };
}
