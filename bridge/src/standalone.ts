import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createBridge } from "./bridge.ts";
import { remoteExecutor } from "./remote-executor.ts";
import type { BridgeLogger } from "./session.ts";
import type { UpgradePolicy } from "./transport-ws.ts";

export interface StandaloneOptions {
  /** an API instance or a load balancer in front of several */
  apiUrl: string;
  /** the API's origin policy, built from the same ALLOWED_ORIGINS (api/src/infra/origin-policy.ts) */
  originPolicy: UpgradePolicy;
  maxBufferedBytes: number;
  maxFrameLength: number;
  /** Secure attribute of the `csrftoken` cookie (the API's COOKIE_SECURE) */
  cookieSecure: boolean;
  logger: BridgeLogger;
}

/** The bridge's own HTTP server: `/ws/...` and `/api/...` over the remote executor; anything else is a JSON 404. */
export function createStandaloneBridge(options: StandaloneOptions) {
  const bridge = createBridge({ ...options, executor: remoteExecutor(options.apiUrl) });
  const server = createServer((request, response) => {
    if (bridge.handleRequest(request, response)) return;
    request.resume();
    response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ msg: "Not found." }));
  });
  server.on("upgrade", (request, socket, head) => {
    if (!bridge.handleUpgrade(request, socket, head)) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  });
  return {
    start: (port: number, host: string) =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    async stop(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await bridge.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
