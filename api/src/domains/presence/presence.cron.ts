import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../infra/logger.ts";

/** The legacy cron container calls this every minute (protocol §7, §8.6). */
export const CRON_PATH = "/api/cronjob/cron/check-inactive-users";

/**
 * `DELETE /api/cronjob/cron/check-inactive-users` with `Authorization: Bearer <CRON_SECRET>` runs the presence
 * sweep: 200 `{"status":"ok"}`, else 401 `{"msg":"Unauthorized."}`. An unset or empty secret never
 * authenticates. Returns false for any other path, so the caller hands the request on.
 */
export function cronRoute(
  secret: string | undefined,
  sweep: () => Promise<unknown>,
  logger: Logger,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if ((request.url ?? "").split("?")[0] !== CRON_PATH) return false;
    request.resume(); // no body is expected; drain any, so keep-alive stays usable
    if (request.method !== "DELETE") {
      send(response, 405, { msg: "Method not allowed." }, { allow: "DELETE" });
    } else if (!authorized(request.headers.authorization, secret)) {
      send(response, 401, { msg: "Unauthorized." });
    } else {
      sweep().then(
        () => send(response, 200, { status: "ok" }),
        (error: unknown) => {
          logger.error({ err: error }, "cron: presence sweep failed");
          send(response, 500, { msg: "Internal server error." });
        },
      );
    }
    return true;
  };
}

/** Constant time: both sides are hashed first, so neither the secret nor its length leaks through timing. */
function authorized(header: string | undefined, secret: string | undefined): boolean {
  if (!secret) return false;
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(token), digest(secret));
}

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
