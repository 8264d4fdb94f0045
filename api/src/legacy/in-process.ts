import { connectApiSocket, type Executor, type HttpOrigin, jsonQuery, type MessagePipe } from "@parley/bridge";
import { GRAPHQL_TRANSPORT_WS_PROTOCOL, type Server } from "graphql-ws";
import type { WsExtra } from "../graphql/ws.ts";
import type { ParleyYoga } from "../graphql/yoga.ts";
import type { Logger } from "../infra/logger.ts";

/**
 * The bridge's executor inside the api process: a legacy socket is an in-memory graphql-ws socket of the api's
 * own graphql-ws server (same hooks: presence, socket caps, ended sessions, limits), and a legacy HTTP call
 * is a request to yoga (origin guard, cookies, client address), without a network hop.
 */
export function inProcessExecutor(server: Server<WsExtra>, yoga: ParleyYoga, logger: Logger): Executor {
  return {
    openSocket: (upgrade) => connectApiSocket(inProcessPipe(server, upgrade, logger)),
    async request(operation, from) {
      const response = await yoga.fetch(
        `http://${from.headers.host ?? "localhost"}${yoga.graphqlEndpoint}`,
        {
          method: "POST",
          headers: requestHeaders(from),
          body: `{"query":${jsonQuery(operation.document)},"variables":${JSON.stringify(operation.variables ?? {})}}`,
        },
        { req: { socket: { remoteAddress: from.remoteAddress } } },
      );
      return { result: await response.json(), setCookies: response.headers.getSetCookie() };
    },
  };
}

function requestHeaders(from: HttpOrigin): Headers {
  const headers = new Headers({ "content-type": "application/json", accept: "application/graphql-response+json" });
  for (const [name, value] of Object.entries(from.headers)) if (value !== undefined) headers.set(name, value);
  if (from.cookie) headers.set("cookie", from.cookie);
  return headers;
}

/**
 * Both ends of one in-memory graphql-ws socket. The server end is marked `outlivesToken` (graphql/ws.ts): it
 * stays open past its access token and ends with its session; no client of a real socket can ask for that.
 */
function inProcessPipe(server: Server<WsExtra>, upgrade: HttpOrigin, logger: Logger): MessagePipe {
  let toServer: ((text: string) => Promise<void>) | undefined;
  let onMessage: (text: string) => void = () => {};
  let onClose: (code: number, reason: string) => void = () => {};
  let open = true;
  const end = (code = 1000, reason = "") => {
    if (!open) return;
    open = false;
    void disconnected(code, reason);
    queueMicrotask(() => onClose(code, reason));
  };
  const extra: WsExtra = {
    socket: { close: end, bufferedAmount: 0 }, // the legacy session bounds its own socket's queue
    request: {
      headers: { ...upgrade.headers, cookie: upgrade.cookie },
      socket: { remoteAddress: upgrade.remoteAddress },
    },
    outlivesToken: true,
  };
  const disconnected = server.opened(
    {
      protocol: GRAPHQL_TRANSPORT_WS_PROTOCOL,
      // delivered after the server's current step, as a real socket would
      send: (text) => {
        if (open) queueMicrotask(() => onMessage(text));
      },
      close: end,
      onMessage: (listener) => {
        toServer = listener;
      },
    },
    extra,
  );
  return {
    send(text) {
      if (!open || !toServer) return;
      toServer(text).catch((error: unknown) => {
        logger.error({ err: error }, "in-process graphql-ws socket failed");
        end(4500, "Internal server error");
      });
    },
    close: end,
    listen(message, close) {
      onMessage = message;
      onClose = close;
    },
  };
}
