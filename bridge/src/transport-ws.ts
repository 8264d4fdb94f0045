import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Domain } from "./actions/action.ts";
import { type Executor, httpOrigin } from "./executor.ts";
import { LegacyClose } from "./legacy/close-codes.ts";
import { LegacyPort } from "./legacy-port.ts";
import { type BridgeLogger, openSession, type Session } from "./session.ts";

/** The API's origin policy (api/src/infra/origin-policy.ts), as the upgrade needs it. */
export interface UpgradePolicy {
  refusesUpgrade(headers: { get(name: string): string | null | undefined }): boolean;
}

export interface LegacyWsOptions {
  executor: Executor;
  originPolicy: UpgradePolicy;
  domains: readonly Domain[];
  /** the API's WS_MAX_BUFFERED_BYTES */
  maxBufferedBytes: number;
  /** the API's request size: a longer text frame closes with 3100 */
  maxFrameLength: number;
  logger: BridgeLogger;
  /** ping interval; a socket that has not answered the previous ping by the next one is dropped */
  keepAliveMs?: number;
}

/** The one route of the legacy socket (protocol §1.4): exact, trailing slash, query ignored. */
export const EVENTS_PATH = "/ws/events/";
/** Frames past this size end the socket with 1009 in `ws` itself (larger than any legitimate frame). */
const MAX_PAYLOAD_BYTES = 1024 * 1024;
const DEFAULT_KEEP_ALIVE_MS = 30_000;
const CLOSE_WAIT_MS = 1_000;

/**
 * The thin `ws` adapter of the legacy socket: `/ws/...` upgrades. Refusals (origin, no or bad token, an ended
 * session) are HTTP 403 before accept, so before any frame or presence change; other `/ws/...` paths are
 * accepted and closed with 4000; a successful connect sends nothing.
 */
export function createLegacyWs(options: LegacyWsOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  const sessions = new Map<WebSocket, Session>();
  const answered = new WeakSet<WebSocket>();
  const keepAlive = setInterval(() => {
    for (const ws of wss.clients) {
      if (!answered.delete(ws)) ws.terminate();
      else ws.ping();
    }
  }, options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
  keepAlive.unref();

  function accept(request: IncomingMessage, socket: Duplex, head: Buffer, onOpen: (ws: WebSocket) => void) {
    wss.handleUpgrade(request, socket, head, (ws) => {
      answered.add(ws);
      ws.on("pong", () => answered.add(ws));
      onOpen(ws);
    });
  }

  async function openEvents(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const api = await options.executor.openSocket(httpOrigin(request));
    if ("refused" in api) return refuse(socket, api.refused === "unavailable" ? 503 : 403);
    const port = new LegacyPort();
    const session = openSession(port, api, options.domains, options);
    // until accepted, and after: the raw socket closes with the WebSocket (also on a failed handshake)
    socket.once("close", () => session.closed());
    if (socket.destroyed) return session.closed();
    if (!(await session.ready) || port.closedEarly) {
      session.closed();
      return refuse(socket, 503);
    }
    accept(request, socket, head, (ws) => {
      sessions.set(ws, session);
      ws.once("close", () => {
        sessions.delete(ws);
        session.closed();
      });
      port.attach(ws);
    });
  }

  return {
    /** Takes `/ws/...` upgrades; false for any other path (graphql-ws's). */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const path = routePath(request.url);
      if (!path.startsWith("/ws/")) return false;
      const headers = request.headers;
      const get = (name: string) => {
        const value = headers[name];
        return Array.isArray(value) ? value.join(", ") : value;
      };
      if (options.originPolicy.refusesUpgrade({ get })) refuse(socket, 403);
      else if (path !== EVENTS_PATH)
        accept(request, socket, head, (ws) => ws.close(LegacyClose.UnknownRoute, "Unknown route"));
      else
        openEvents(request, socket, head).catch((error: unknown) => {
          options.logger.error({ err: error }, "legacy socket: opening failed");
          refuse(socket, 503);
        });
      return true;
    },
    /** open legacy sockets (metrics) */
    get size() {
      return wss.clients.size;
    },
    /** Graceful stop: every legacy socket closes with 1001 (the legacy frontend reconnects) and its session ends. */
    async close(): Promise<void> {
      clearInterval(keepAlive);
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const [ws, session] of sessions) {
        ws.close(LegacyClose.GoingAway, "Server shutting down");
        session.closed();
      }
      // a client that does not answer the close frame is not waited for
      const timer = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, CLOSE_WAIT_MS);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** The path as the legacy router matches it: query dropped, percent-decoding applied (as ASGI's `path`). */
function routePath(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0] ?? "/";
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** An HTTP answer instead of the upgrade (the legacy server's pre-accept close became 403 on the wire). */
function refuse(socket: Duplex, status: 403 | 503): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
