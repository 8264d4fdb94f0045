// The floor: a plain `ws` relay, no database, no GraphQL. Frames {"action","data"} like the legacy bridge:
//   join {room, user}       -> {"action":"joined"}
//   send {room, body}       -> {"action":"message", data: body} to the other sockets of the room, {"action":"ack"} back
//   presence {user}         -> {"action":"online", data: {user}} to every socket
import { createServer } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";

const rooms = new Map<string, Set<WebSocket>>();
const server = createServer((_request, response) => response.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on("connection", (ws) => {
  let room: Set<WebSocket> | undefined;
  ws.on("message", (raw) => {
    const { action, data } = JSON.parse(raw.toString()) as { action: string; data: Record<string, unknown> };
    if (action === "join") {
      const name = String(data.room);
      room = rooms.get(name) ?? new Set();
      rooms.set(name, room.add(ws));
      ws.send('{"action":"joined"}');
    } else if (action === "send" && room) {
      const out = JSON.stringify({ action: "message", data: data.body });
      for (const peer of room) if (peer !== ws) peer.send(out);
      ws.send('{"action":"ack"}');
    } else if (action === "presence") {
      const out = JSON.stringify({ action: "online", data: { user: data.user } });
      for (const client of wss.clients) client.send(out);
    }
  });
  ws.on("close", () => room?.delete(ws));
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`relay listening on ${typeof address === "object" && address ? address.port : "?"}`);
});
process.on("SIGTERM", () => process.exit(0));
