// npm run bench — sendMessage throughput with live fan-out, against a real server process.
// Prints messages/second sent and delivered, latency percentiles, and checks that every message was stored.
// Env: BENCH_SECONDS (10), BENCH_CHATS (32), BENCH_CONCURRENCY (64), BENCH_TRANSPORT (ws | http: how
// messages are sent; ws sends each mutation over the sender's own graphql-ws socket, like a live client);
// DATABASE_URL/REDIS_URL select shared mode.
import { spawn } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const chatCount = Number(process.env.BENCH_CHATS ?? 32);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const transport = process.env.BENCH_TRANSPORT === "http" ? "http" : "ws";

const port = await freePort();
const url = `http://127.0.0.1:${port}/graphql`;
const server = spawn(
  process.execPath,
  [...(process.env.BENCH_NODE_ARGS?.split(" ") ?? []), "--import", "tsx", "src/main.ts"],
  {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      PARLEY_DATA_DIR: process.env.DATABASE_URL ? undefined : "memory://",
      JWT_SECRET: process.env.JWT_SECRET ?? "bench-secret-bench-secret-bench-secret-0123",
      // A few users send thousands of messages a second: far past the per-user limits real clients get.
      RATE_LIMIT_MESSAGES_PER_SECOND: process.env.RATE_LIMIT_MESSAGES_PER_SECOND ?? "1000000",
      RATE_LIMIT_MESSAGES_BURST: process.env.RATE_LIMIT_MESSAGES_BURST ?? "1000000",
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
process.on("exit", () => server.kill());

// node:http with keep-alive: fetch costs several times more CPU, and the client shares the machine.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function gql(query: string, variables: object, token?: string): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const headers = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const request = http.request(url, { method: "POST", agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const result = JSON.parse(Buffer.concat(chunks).toString()) as { data?: any; errors?: unknown[] };
        if (result.errors) reject(new Error(JSON.stringify(result.errors)));
        else resolve(result.data);
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

await waitForServer();
const run = Date.now().toString(36);
const users: { token: string; username: string }[] = [];
for (let i = 0; i < chatCount * 2; i++) {
  const username = `bench${run}_${i}`;
  const data = await gql(
    `mutation($u: String!, $e: String!) { signUp(username: $u, email: $e, password: "bench1bench") { accessToken } }`,
    { u: username, e: `${username}@bench.local` },
  );
  users.push({ token: data.signUp.accessToken, username });
}
const chats: { id: string; a: string; b: string }[] = [];
for (let i = 0; i < chatCount; i++) {
  const [a, b] = [users[2 * i]!, users[2 * i + 1]!];
  const data = await gql(
    `mutation($p: String!) { openChat(username: $p) { chat { id } } }`,
    { p: b.username },
    a.token,
  );
  chats.push({ id: data.openChat.chat.id, a: a.token, b: b.token });
}

let delivered = 0;
const clients = new Map<string, Client>();
const sockets = users.map((user) => {
  const client = createClient({
    url: url.replace("http", "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { accessToken: user.token },
  });
  clients.set(user.token, client);
  return new Promise<() => void>((resolve) => {
    client.subscribe<{ chatEvents: { __typename: string } }>(
      { query: "subscription { chatEvents { __typename ... on MessageSentEvent { message { id } } } }" },
      {
        next: (result) => {
          if (result.data?.chatEvents?.__typename === "StreamReadyEvent") resolve(() => client.dispose());
          else delivered++;
        },
        error: (error) => console.error("subscription error", error),
        complete: () => {},
      },
    );
  });
});
const closeSockets = await Promise.all(sockets);

const SEND = `mutation($c: ID!, $t: String!) { sendMessage(chatId: $c, content: $t) { id } }`;
async function send(chatId: string, content: string, token: string) {
  if (transport === "http") return gql(SEND, { c: chatId, t: content }, token);
  const result = await (clients.get(token) as Client)
    .iterate({ query: SEND, variables: { c: chatId, t: content } })
    .next();
  if (result.value?.errors) throw new Error(JSON.stringify(result.value.errors));
}
const latencies: number[] = [];
let sent = 0;
let failed = 0;
const deadline = Date.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, worker) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const chat = chats[(worker + n) % chats.length]!;
      const t0 = performance.now();
      try {
        await send(chat.id, `message ${worker}/${n}`, n % 2 ? chat.a : chat.b);
        latencies.push(performance.now() - t0);
        sent++;
      } catch {
        failed++;
      }
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const expected = sent * 2; // the sender's sockets and the peer's
const settleBy = Date.now() + 10_000;
while (delivered < expected && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));

let stored = 0;
for (const chat of chats) {
  const data = await gql(
    `query($c: ID!) { chat(id: $c) { messages(first: 1) { totalCount } } }`,
    { c: chat.id },
    chat.a,
  );
  stored += data.chat.messages.totalCount;
}
latencies.sort((x, y) => x - y);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
const mode = process.env.DATABASE_URL
  ? `PostgreSQL${process.env.REDIS_URL ? " + Redis" : ""}`
  : "embedded PGlite + in-memory";
console.log(
  `\nsendMessage benchmark (${mode}; over ${transport}; ${chatCount} chats, ${concurrency} concurrent senders, ${seconds}s)`,
);
console.log(`  sent       ${sent} messages, ${(sent / elapsed).toFixed(0)} msg/s, ${failed} failed`);
console.log(`  latency    p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms`);
console.log(
  `  delivered  ${delivered} of ${expected} expected live events (${(delivered / elapsed).toFixed(0)} events/s)`,
);
console.log(`  stored     ${stored} of ${sent} messages ${stored === sent ? "(all persisted)" : "(MISMATCH)"}`);
for (const close of closeSockets) close();
server.kill();
process.exit(stored === sent && failed === 0 ? 0 : 1);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer() {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("server did not start");
}
