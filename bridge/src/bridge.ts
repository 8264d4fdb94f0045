import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { domains } from "./actions/index.ts";
import { legacyHttp } from "./http/router.ts";
import { legacyRoutes } from "./http/routes.ts";
import { createLegacyWs, type LegacyWsOptions } from "./transport-ws.ts";

export type BridgeOptions = Omit<LegacyWsOptions, "domains"> &
  Partial<Pick<LegacyWsOptions, "domains">> & {
    /** Secure attribute of the `csrftoken` cookie the legacy log-in sets (the API's COOKIE_SECURE) */
    cookieSecure: boolean;
  };

export interface Bridge {
  /** `/ws/...` upgrades (the legacy socket, and 4000 for other paths); false for others */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** `/api/...` requests (the legacy HTTP API); false for others, which the caller serves */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /** open legacy sockets */
  readonly openSockets: number;
  /** graceful stop: legacy sockets close with 1001 */
  close(): Promise<void>;
}

/** The legacy bridge, mounted by the api (in-process executor) or by bridge/src/main.ts (remote executor). */
export function createBridge(options: BridgeOptions): Bridge {
  const ws = createLegacyWs({ ...options, domains: options.domains ?? domains });
  const http = legacyHttp({
    executor: options.executor,
    routes: legacyRoutes,
    maxBodyBytes: options.maxFrameLength,
    cookieSecure: options.cookieSecure,
    onError: (error) => options.logger.error({ err: error }, "legacy HTTP request failed"),
  });
  return {
    handleUpgrade: ws.handleUpgrade,
    handleRequest: http,
    get openSockets() {
      return ws.size;
    },
    close: () => ws.close(),
  };
}
