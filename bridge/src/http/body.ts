import type { IncomingMessage } from "node:http";
import { fail } from "./errors.ts";

export interface Body {
  /** the parsed JSON (undefined when empty); a malformed body is django-ninja's 400 */
  json(): unknown;
}

/**
 * Reads the body, at most `maxBytes` (the API's own limit): a larger one is a 413 before or as soon as it is
 * seen, and the connection closes rather than reading the rest. Parsing waits until a handler asks for it, so
 * CSRF and authentication answer first (django-ninja's order).
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Body> {
  const tooLarge = () => fail(413, `Request body is larger than ${maxBytes} bytes.`, { connection: "close" });
  if (Number(request.headers["content-length"] ?? 0) > maxBytes) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // stop reading but keep the socket: the 413 still has to go out on it
      request.off("data", onData).pause();
      reject(tooLarge());
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
  return {
    json() {
      if (text.trim() === "") return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw fail(400, "Cannot parse request body");
      }
    },
  };
}
