import type { IncomingMessage, ServerResponse } from "node:http";
import type { Executor } from "../executor.ts";

/**
 * The legacy HTTP API under `/api/` (protocol §8). Mount point only: bridge-accounts builds the router of
 * Route tables here; until then every `/api/*` path is a JSON 404 (never HTML, never yoga's).
 */
export function createLegacyHttp(_executor: Executor): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    request.resume();
    const body = JSON.stringify({ msg: "Not found." });
    response.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
  };
}
