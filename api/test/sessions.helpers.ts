// A raw graphql-ws connection whose acceptance and close code a test can await (presence.helpers.ts builds on it).
import WebSocket from "ws";

export interface OpenSocket {
  /** "ack", or the close code if the server refused the connection */
  accepted: Promise<"ack" | number>;
  closed: Promise<number>;
  close(code?: number): void;
}

/** A raw graphql-ws connection authenticated by `token`. */
export function openSocket(srv: { wsUrl: string }, token: string): OpenSocket {
  const socket = new WebSocket(srv.wsUrl, "graphql-transport-ws");
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  const accepted = new Promise<"ack" | number>((resolve) => {
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { accessToken: token } })));
    socket.on("message", (data) => {
      if (JSON.parse(String(data)).type === "connection_ack") resolve("ack");
    });
    void closed.then(resolve);
  });
  socket.on("error", () => {}); // a refused handshake: "close" follows with its code
  return { accepted, closed, close: (code) => socket.close(code) };
}

/** The socket's close code once it closes, or "open" if it is still open after `ms` (bounded waits). */
export const closeCodeWithin = (socket: OpenSocket, ms = 5000) =>
  Promise.race([socket.closed, new Promise<"open">((resolve) => setTimeout(() => resolve("open"), ms))]);
