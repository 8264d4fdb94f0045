// npm run bench — sendMessage throughput with live fan-out, against a real server process.
// Prints messages/second sent and delivered, latency percentiles, and checks that every message was stored.
// Env: BENCH_SECONDS (10), BENCH_CHATS (32), BENCH_CONCURRENCY (64); DATABASE_URL/REDIS_URL select shared mode.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const chatCount = Number(process.env.BENCH_CHATS ?? 32);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);

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
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
process.on("exit", () => server.kill());

async function gql(query: string, variables: object, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
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
const sockets = users.map((user) => {
  const client = createClient({
    url: url.replace("http", "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { accessToken: user.token },
  });
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
        await gql(SEND, { c: chat.id, t: `message ${worker}/${n}` }, n % 2 ? chat.a : chat.b);
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
console.log(`\nsendMessage benchmark (${mode}; ${chatCount} chats, ${concurrency} concurrent senders, ${seconds}s)`);
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
