// SIGTERM under load: a real `src/main.ts` process, real clients over HTTP and graphql-ws.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDb } from "@parley/db";
import { type Client, createClient } from "graphql-ws";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { spawnInstance } from "./faults/instance.ts";
import {
  CHAT_EVENTS,
  createTestDatabase,
  mode,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestUser,
} from "./harness.ts";

const SHUTDOWN_BOUND_MS = 10_000;
const PAIRS = 6; // half send over graphql-ws, half over HTTP
const SENDS_BEFORE_SIGNAL = 15; // per sender

/** A receiver: every message id its chatEvents subscription got, and the close code of its socket. */
function receive(wsUrl: string, user: TestUser) {
  const ids = new Set<string>();
  let ready: () => void = () => {};
  const live = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const closed = new Promise<number>((resolve) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.token}` },
      retryAttempts: 0,
      on: { closed: (event) => resolve(closeCode(event)) },
    });
    client.subscribe<{ chatEvents: { __typename: string; message?: { id: string } } }>(
      { query: CHAT_EVENTS },
      {
        next: ({ data }) => {
          if (data?.chatEvents.__typename === "StreamReadyEvent") ready();
          if (data?.chatEvents.message) ids.add(data.chatEvents.message.id);
        },
        error: () => {},
        complete: () => {},
      },
    );
  });
  // The ids received before the close frame: the close event comes after every message before it.
  return { live, closedWith: closed.then((code) => ({ code, ids: new Set(ids) })) };
}

const closeCode = (event: unknown) =>
  typeof event === "object" && event !== null && "code" in event && typeof event.code === "number" ? event.code : -1;

/** Answered sends, and the error codes of refused ones. */
type Outcome = { answered: { id: string; at: number }[]; refused: string[] };
type Sent = { id: string } | { refused: string } | "gone";

/** Sends one message after another until the server stops answering; records every answered send. */
async function sendLoop(send: (content: string) => Promise<Sent>, outcome: Outcome) {
  for (let i = 0; i < 100_000; i++) {
    const result = await send(`load ${i}`);
    if (result === "gone") return;
    if ("refused" in result) outcome.refused.push(result.refused);
    else outcome.answered.push({ id: result.id, at: performance.now() });
    await sleep(2);
  }
}

type SendResult = { data?: { sendMessage?: { id: string } | null } | null; errors?: readonly ErrorLike[] };
type ErrorLike = { extensions?: { code?: unknown } };
const sent = (result: SendResult): Sent =>
  result.data?.sendMessage
    ? { id: result.data.sendMessage.id }
    : { refused: String(result.errors?.[0]?.extensions?.code) };

const httpSender =
  (url: string, user: TestUser, chatId: string) =>
  async (content: string): Promise<Sent> => {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query: SEND, variables: { c: chatId, t: content } }),
      });
      return sent((await response.json()) as SendResult);
    } catch {
      return "gone"; // connection refused or reset: this instance no longer takes requests
    }
  };

const wsSender = (client: Client, chatId: string) => (content: string) =>
  new Promise<Sent>((resolve) => {
    let answered = false;
    client.subscribe<{ sendMessage: { id: string } }>(
      { query: SEND, variables: { c: chatId, t: content } },
      {
        next: (result) => {
          answered = true;
          resolve(sent(result));
        },
        error: () => resolve("gone"),
        complete: () => {
          if (!answered) resolve("gone");
        },
      },
    );
  });

describe("graceful stop", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("SIGTERM under load: every answered send is stored and delivered before the 1001 close; exit 0 in time", async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dataDir = mode === "embedded" ? await mkdtemp(join(tmpdir(), "parley-stop-")) : "memory://";
    if (mode === "embedded") cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const started = await spawnInstance(
      {
        PARLEY_DATA_DIR: dataDir,
        DATABASE_URL: database.url ?? "",
        REDIS_URL: mode === "shared" ? (process.env.REDIS_URL ?? "") : "",
        REDIS_KEY_PREFIX: `parley-stop-${randomBytes(4).toString("hex")}:`,
        SHUTDOWN_TIMEOUT: String(SHUTDOWN_BOUND_MS / 1000),
      },
      90_000,
    );
    cleanups.push(async () => {
      await started.kill9();
    });
    const server = { url: started.url };

    const pairs = await Promise.all(
      Array.from({ length: PAIRS }, async () => {
        const [sender, receiver] = [await signUp(server), await signUp(server)];
        return { sender, receiver, chatId: await openChat(server, sender, receiver.username) };
      }),
    );
    const runs = pairs.map((pair) => ({
      ...pair,
      receiving: receive(started.wsUrl, pair.receiver),
      outcome: { answered: [], refused: [] } as Outcome,
    }));
    await Promise.all(runs.map((run) => run.receiving.live));
    const outcomes = runs.map((run) => run.outcome);

    const senderClients: Client[] = [];
    const loops = runs.map((pair, i) => {
      const { outcome } = pair;
      if (i % 2 === 1) return sendLoop(httpSender(started.url, pair.sender, pair.chatId), outcome);
      const client = createClient({
        url: started.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${pair.sender.token}` },
        retryAttempts: 0,
      });
      senderClients.push(client);
      return sendLoop(wsSender(client, pair.chatId), outcome);
    });
    cleanups.push(async () => {
      for (const client of senderClients) await client.dispose();
    });

    // A send over HTTP whose body is still on its way when the signal comes (its headers arrived before).
    const [first] = runs;
    if (!first) throw new Error("no pair");
    const held = await rawHttp(Number(new URL(started.url).port));
    const heldBody = JSON.stringify({ query: SEND, variables: { c: first.chatId, t: "held across the signal" } });
    held.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${first.sender.token}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\nContent-Length: ${heldBody.length}\r\n\r\n` +
        heldBody.slice(0, 10),
    );
    // A socket that will send once the stop has begun (not lazy: it stays open between operations).
    const late = createClient({
      url: started.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${first.sender.token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {}, // its close with 1001 is checked on the receivers
    });
    senderClients.push(late);
    const lateSend = wsSender(late, first.chatId);
    const warmUp = await lateSend("before the signal");
    if (warmUp === "gone" || !("id" in warmUp)) throw new Error("the late socket could not send");
    first.outcome.answered.push({ id: warmUp.id, at: performance.now() });

    // Steady load first, then the signal while sends are in flight.
    for (let i = 0; i < 600 && outcomes.some((o) => o.answered.length < SENDS_BEFORE_SIGNAL); i++) await sleep(50);
    expect(outcomes.every((o) => o.answered.length >= SENDS_BEFORE_SIGNAL)).toBe(true);
    const signalled = performance.now();
    void started.stop(SHUTDOWN_BOUND_MS + 5000); // SIGTERM (SIGKILL if it hangs: the exit code below then fails)
    // The stop has begun once new connections are refused; the held request keeps it from finishing.
    let listening = true;
    for (let i = 0; i < 200 && listening; i++) {
      listening = await accepts(Number(new URL(started.url).port));
      if (listening) await sleep(25);
    }
    expect(listening).toBe(false);
    expect(await lateSend("after the signal")).toEqual({ refused: "UNAVAILABLE" });
    held.write(heldBody.slice(10));
    const heldAnswer = await held.answer;
    expect(heldAnswer.status).toBe(200);
    const heldId: string = JSON.parse(heldAnswer.body).data.sendMessage.id;
    first.outcome.answered.push({ id: heldId, at: performance.now() });

    const code = await Promise.race([started.exited, sleep(SHUTDOWN_BOUND_MS + 5000).then(() => "hung" as const)]);
    const stoppedAfter = performance.now() - signalled;
    expect(code, started.output()).toBe(0);
    expect(stoppedAfter).toBeLessThan(SHUTDOWN_BOUND_MS);
    await Promise.all(loops);

    const closes = await Promise.all(runs.map((run) => run.receiving.closedWith));
    expect(closes.map((c) => c.code)).toEqual(runs.map(() => 1001));

    const stored = await storedMessageIds(database.url, dataDir);
    const answeredAfterSignal = outcomes.flatMap((o) => o.answered).filter((a) => a.at > signalled).length;
    for (const [i, run] of runs.entries()) {
      const answered = run.outcome.answered.map((a) => a.id);
      const delivered = closes[i]?.ids ?? new Set();
      expect(answered.filter((id) => !stored.has(id))).toEqual([]);
      expect(answered.filter((id) => !delivered.has(id))).toEqual([]);
    }
    // No committed message without its event: whatever was stored reached its receiver before the close.
    const deliveredAll = new Set(closes.flatMap((c) => [...c.ids]));
    expect([...stored].filter((id) => !deliveredAll.has(id))).toEqual([]);
    // The signal came under load: sends in flight at that moment (the held one at least) were answered during the drain.
    expect(answeredAfterSignal).toBeGreaterThan(0);
    // Whatever was refused was refused as retryable elsewhere.
    for (const outcome of outcomes) expect(outcome.refused.filter((code) => code !== "UNAVAILABLE")).toEqual([]);
  }, 180_000);
});

/** Message ids in the stopped process's database (PostgreSQL, or its PGlite directory). */
async function storedMessageIds(databaseUrl: string | undefined, dataDir: string): Promise<Set<string>> {
  const db = await createDb({ databaseUrl, dataDir: join(dataDir, "db"), migrate: false });
  try {
    return new Set((await db.prisma.message.findMany({ select: { id: true } })).map((m) => m.id));
  } finally {
    await db.close();
  }
}

/** Whether a new TCP connection to `port` is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A raw HTTP/1.1 connection, to send a request in parts; resolves with the whole answer once the server closes it. */
async function rawHttp(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString();
  });
  const answer = new Promise<{ status: number; body: string }>((resolve) =>
    socket.once("close", () => {
      const [head = "", body = ""] = received.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body });
    }),
  );
  return { write: (text: string) => socket.write(text), answer };
}

describe("graceful stop, in process", () => {
  it("runs an HTTP request admitted before the stop to its end; refuses later ones; /ready says stopping", async () => {
    const server = await startServer();
    const port = Number(new URL(server.url).port);
    const body = JSON.stringify({ query: "{ __typename }" });
    const post = (length: number) =>
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${length}\r\n\r\n`;
    // Admitted: its headers arrived before the stop, its body comes after.
    const admitted = await rawHttp(port);
    admitted.write(post(body.length) + body.slice(0, 4));
    // Not yet a request: only part of its headers arrived before the stop.
    const late = await rawHttp(port);
    late.write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const probe = await rawHttp(port);
    probe.write("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    await sleep(50); // the server has parsed what it got

    const stopped = server.stop();
    await sleep(50);
    admitted.write(body.slice(4));
    late.write(`Content-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    probe.write("Connection: close\r\n\r\n");
    const refusedConnection = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => "answered",
      () => "refused",
    );

    expect(await admitted.answer).toEqual({ status: 200, body: JSON.stringify({ data: { __typename: "Query" } }) });
    const lateAnswer = await late.answer;
    expect(lateAnswer.status).toBe(503);
    expect(JSON.parse(lateAnswer.body).errors[0].extensions.code).toBe("UNAVAILABLE");
    expect(await probe.answer).toEqual({ status: 503, body: JSON.stringify({ status: "stopping" }) });
    expect(refusedConnection).toBe("refused");
    await stopped;
  });
});
