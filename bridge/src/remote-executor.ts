import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { WebSocket } from "ws";
import { connectApiSocket, jsonQuery, type MessagePipe } from "./api-client.ts";
import type { ExecutionResult, Executor, HttpOrigin } from "./executor.ts";

/**
 * The bridge as its own process in front of any number of API instances (PARLEY_API_URL, e.g. a load
 * balancer): one real graphql-ws socket per legacy socket, one HTTP request per legacy HTTP operation. The
 * legacy request's Host, Origin and cookie travel on, so the API's origin policy decides as for a direct
 * request, and the bridge appends the client's address to X-Forwarded-For: run the API with TRUST_PROXY
 * counting the bridge (and any proxy in front of it).
 *
 * Unlike the in-process mount, a remote legacy socket is an ordinary graphql-ws client: the API closes it when
 * its access token expires (legacy close 3002; the legacy frontend reopens it after its next /api/self).
 */
export function remoteExecutor(apiUrl: string): Executor {
  const graphql = new URL("/graphql", apiUrl);
  const ws = new URL(graphql);
  ws.protocol = graphql.protocol === "https:" ? "wss:" : "ws:";
  return {
    openSocket: (upgrade) =>
      connectApiSocket(wsPipe(new WebSocket(ws, "graphql-transport-ws", { headers: forwarded(upgrade) }))),
    request: (operation, from) =>
      post(
        graphql,
        forwarded(from),
        `{"query":${jsonQuery(operation.document)},"variables":${JSON.stringify(operation.variables ?? {})}}`,
      ),
  };
}

/** The headers the API's policies read, with this hop added to X-Forwarded-For. */
function forwarded(from: HttpOrigin): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(from.headers)) if (value !== undefined) headers[name] = value;
  if (from.cookie) headers.cookie = from.cookie;
  const chain = [from.headers["x-forwarded-for"], from.remoteAddress].filter(Boolean);
  if (chain.length > 0) headers["x-forwarded-for"] = chain.join(", ");
  return headers;
}

/** A `ws` client socket as a MessagePipe: messages before `open` wait; a refused upgrade is a 4403 close. */
function wsPipe(ws: WebSocket): MessagePipe {
  const early: string[] = [];
  ws.once("open", () => {
    for (const text of early) ws.send(text);
    early.length = 0;
  });
  ws.on("error", () => {}); // "close" follows (1006): the API is unavailable
  return {
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
      else if (ws.readyState === WebSocket.CONNECTING) early.push(text);
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(code, reason);
    },
    listen(onMessage, onClose) {
      let done = false;
      const end = (code: number, reason: string) => {
        if (done) return;
        done = true;
        onClose(code, reason);
      };
      ws.on("message", (data) => onMessage(String(data)));
      ws.on("close", (code, reason) => end(code, String(reason)));
      ws.once("unexpected-response", (_request, response) => {
        response.resume();
        end(response.statusCode === 403 ? 4403 : 1011, `HTTP ${response.statusCode}`);
        ws.terminate();
      });
    },
  };
}

/** node:http, not fetch: fetch drops a Host header, which the API's same-origin rule reads. */
function post<R>(url: URL, headers: Record<string, string>, body: string) {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<{ result: ExecutionResult<R>; setCookies: string[] }>((resolve, reject) => {
    const request = send(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          try {
            const result = JSON.parse(Buffer.concat(chunks).toString()) as ExecutionResult<R>;
            resolve({ result, setCookies: response.headers["set-cookie"] ?? [] });
          } catch (error) {
            reject(error);
          }
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
