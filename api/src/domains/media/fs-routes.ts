import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "../../infra/logger.ts";
import { BLOB_KEY } from "./blob-store.ts";
import { contentDisposition } from "./content-disposition.ts";
import { type FilesystemStore, MEDIA_PATH } from "./fs-store.ts";
import type { Params, UrlSigner } from "./url-signing.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The filesystem store's HTTP side, by signed URLs only: `PUT /media/upload/{id}` takes exactly the signed size
 * and type (counted while streaming, so a lying or missing Content-Length cannot pass) before its expiry;
 * `GET`/`HEAD /media/{file|thumb}/{id}` serves with ranges, the signed type and disposition, and nosniff.
 * Returns false for other paths, so the caller hands the request on.
 */
export function mediaRoutes(store: FilesystemStore, signer: UrlSigner, logger: Logger): Handler {
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://parley.invalid");
    if (!url.pathname.startsWith(MEDIA_PATH)) return false;
    const key = url.pathname.slice(MEDIA_PATH.length);
    const upload = key.startsWith("upload/");
    const method = request.method ?? "GET";
    if (!BLOB_KEY.test(key)) return refuse(request, response, 404, "Not found.");
    if (upload ? method !== "PUT" : method !== "GET" && method !== "HEAD") {
      return refuse(request, response, 405, "Method not allowed.", { allow: upload ? "PUT" : "GET, HEAD" });
    }
    const params = signer.verify(upload ? "PUT" : "GET", key, url.searchParams);
    if (params === "invalid") return refuse(request, response, 403, "Invalid signature.");
    if (params === "expired") return refuse(request, response, 403, "This URL has expired.");
    const done = upload ? receive(store, key, params, request, response) : serve(store, key, params, request, response);
    done.catch((error: unknown) => {
      logger.error({ err: error, key }, "media: request failed");
      if (!response.headersSent) text(response, 500, "Internal server error.");
      else response.destroy();
    });
    return true;
  };
}

class TooLarge extends Error {}

async function receive(
  store: FilesystemStore,
  key: string,
  params: Params,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const size = Number(params.size);
  const declared = request.headers["content-length"];
  if ((request.headers["content-type"] ?? "").toLowerCase() !== params.type) {
    refuse(request, response, 415, `Content-Type must be ${params.type}.`);
    return;
  }
  if (declared !== undefined && Number(declared) > size) {
    refuse(request, response, 413, `At most ${size} bytes.`);
    return;
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > size ? new TooLarge() : null, chunk);
    },
  });
  const partial = await store.partialFile(key);
  try {
    await pipeline(request, counter, createWriteStream(partial));
    if (received !== size) {
      text(response, 400, `Expected ${size} bytes, got ${received}.`);
      return;
    }
    await rename(partial, store.path(key));
    text(response, 200, "");
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    response.setHeader("connection", "close"); // the rest of the body is not read
    text(response, 413, `At most ${size} bytes.`);
  } finally {
    await rm(partial, { force: true });
  }
}

async function serve(
  store: FilesystemStore,
  key: string,
  params: Params,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const size = await store.size(key);
  if (size === null) {
    text(response, 404, "Not found.");
    return;
  }
  const range = byteRange(request.headers.range, size);
  if (range === "unsatisfiable") {
    text(response, 416, "Range not satisfiable.", { "content-range": `bytes */${size}` });
    return;
  }
  const exp = Number(params.exp);
  const headers: Record<string, string> = {
    "content-type": params.type ?? "application/octet-stream",
    "content-disposition": contentDisposition(params.disposition === "inline", params.name ?? "file"),
    "x-content-type-options": "nosniff",
    "accept-ranges": "bytes",
    "cache-control": `private, max-age=${Math.max(0, exp - Math.floor(Date.now() / 1000))}`,
    "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  };
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers["content-length"] = String(Math.max(0, end - start + 1));
  if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === "HEAD" || size === 0) {
    response.end();
    return;
  }
  await pipeline(createReadStream(store.path(key), { start, end }), response);
}

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else (several ranges included) is the whole file. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [first, last] = [match[1] ?? "", match[2] ?? ""];
  const start = first === "" ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === "" || last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

function refuse(request: IncomingMessage, response: ServerResponse, status: number, message: string, headers = {}) {
  request.resume(); // discarded; a refused upload's connection closes rather than carry more of its body
  text(response, status, message, request.method === "PUT" ? { ...headers, connection: "close" } : headers);
  return true;
}

function text(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  response.end(body);
}
