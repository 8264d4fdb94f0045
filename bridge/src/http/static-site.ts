import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

/**
 * The legacy SPA build (LEGACY_WEB_DIR), on the origin of /api and /ws/events/: the legacy frontend builds its
 * URLs from `location.host` (protocol §1.1). Like the legacy nginx `try_files $uri $uri/ /index.html`: a file,
 * a directory's index.html, else the SPA's index.html (its router reads the path). GET and HEAD only; nothing
 * outside the directory is ever read. Also serves the Parley web app's build, whose `immutablePrefix` holds files
 * named by their content hashes.
 */
export function staticSite(
  directory: string,
  options: { immutablePrefix?: string } = {},
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const root = resolve(directory);
  return (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    void serve(root, options.immutablePrefix, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("Internal server error.");
    });
    return true;
  };
}

async function serve(
  root: string,
  immutablePrefix: string | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  const inside = insideRoot(root, path);
  const candidates = inside ? [inside, join(inside, "index.html")] : [];
  const fallback = join(root, "index.html");
  for (const file of [...candidates, fallback]) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    response.writeHead(200, {
      "content-type": contentType(file),
      "content-length": info.size,
      "x-content-type-options": "nosniff",
      // index.html must be revalidated; only files under `immutablePrefix` have content hashes in their names
      "cache-control":
        immutablePrefix && file !== fallback && path.startsWith(immutablePrefix)
          ? "public, max-age=31536000, immutable"
          : "no-cache",
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
    return;
  }
  response.writeHead(404, { "content-type": "text/plain" }).end("Not found.");
}

/** The file a URL path names under `root`, or undefined for a malformed path or one that leaves the root. */
function insideRoot(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const file = resolve(root, `.${decoded.startsWith("/") ? decoded : `/${decoded}`}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

const contentType = (file: string) => TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
