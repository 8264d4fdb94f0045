import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { domains } from "./actions/index.ts";
import { createLegacyHttp } from "./http/router.ts";
import { createLegacyWs, type LegacyWsOptions } from "./transport-ws.ts";

export type BridgeOptions = Omit<LegacyWsOptions, "domains"> & Partial<Pick<LegacyWsOptions, "domains">>;

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
  const http = createLegacyHttp(options.executor);
  return {
    handleUpgrade: ws.handleUpgrade,
    handleRequest(request, response) {
      if (!(request.url ?? "").startsWith("/api/")) return false;
      http(request, response);
      return true;
    },
    get openSockets() {
      return ws.size;
    },
    close: () => ws.close(),
  };
}
