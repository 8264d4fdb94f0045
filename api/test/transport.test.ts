// Transport input and bounds: malformed cookies and parameters, huge inputs, protocol errors, caps, slow consumers.
import { request as httpRequest } from "node:http";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_TRANSPORT_LIMITS } from "../src/graphql/transport-limits.ts";
import {
  CHAT_EVENTS,
  EventQueue,
  gql,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

const LIMITS = { ...DEFAULT_TRANSPORT_LIMITS, maxSubscriptionsPerSocket: 3, maxSocketsPerUser: 2 };

let server: TestServer;
let alice: TestUser;
beforeAll(async () => {
  server = await startServer({ config: { transportLimits: LIMITS } });
  alice = await signUp(server);
});
afterAll(() => server.stop());

/** A raw graphql-transport-ws socket that records frames and its close code. */
class RawSocket {
  readonly socket: WebSocket;
  readonly frames: { type: string; id?: string; payload?: any }[] = [];
  readonly closed: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, "graphql-transport-ws", { headers });
    this.socket.on("message", (data) => this.frames.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) => this.socket.on("close", (code) => resolve(code)));
  }

  async init(token?: string) {
    if (this.socket.readyState !== WebSocket.OPEN) await new Promise((resolve) => this.socket.once("open", resolve));
    this.send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
    return this.frame((frame) => frame.type === "connection_ack");
  }

  send(message: unknown) {
    this.socket.send(JSON.stringify(message));
  }

  /** Waits (bounded) for a frame matching `match`, or for the socket to close. */
  async frame(match: (frame: RawSocket["frames"][number]) => boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  }
}

function closeCode(socket: RawSocket, timeoutMs = 5000) {
  return Promise.race([socket.closed, new Promise((resolve) => setTimeout(() => resolve("still open"), timeoutMs))]);
}

describe("malformed cookies", () => {
  const BAD = "refresh_token=%E0%A4%A";

  it("HTTP: a cookie that is not valid percent-encoding is ignored, not a 500", async () => {
    const anonymous = await gql(server, "{ __typename }", {}, { cookie: BAD });
    expect(anonymous.response.status).toBe(200);
    const signedIn = await gql(server, "{ me { id } }", {}, { cookie: `access_token=${alice.token}; ${BAD}` });
    expect(signedIn.data?.me.id).toBe(alice.id);
  });

  it("graphql-ws: a malformed access_token cookie is refused as unauthenticated (4403), not closed with 4500", async () => {
    const refused = new RawSocket(server.wsUrl, { cookie: "access_token=%E0%A4%A" });
    await refused.init();
    expect(await closeCode(refused)).toBe(4403);
    const signedIn = new RawSocket(server.wsUrl, { cookie: `${BAD}; access_token=${alice.token}` });
    expect(await signedIn.init()).toMatchObject({ type: "connection_ack" });
    signedIn.socket.close();
  });
});

describe("malformed parameters", () => {
  it("a GET with malformed variables or extensions is a 400 with BAD_USER_INPUT", async () => {
    for (const parameter of ["variables", "extensions"]) {
      const response = await fetch(`${server.url}?query=${encodeURIComponent("{__typename}")}&${parameter}={nope`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
    }
  });

  it("an invalid JSON body is refused without the parser's message or a snippet of the input", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: '{"query": "{ __typename }", "secret-snippet',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain("secret-snippet");
    expect(text).not.toContain("originalError");
    expect(JSON.parse(text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("errors do not echo a huge input: a 60 KB string as an Int variable, or as a username", async () => {
    const huge = "x".repeat(60_000);
    const asInt = await gql(server, "query($n: Int) { onlineUsers(first: $n) { totalCount } }", { n: huge });
    expect(asInt.errors?.[0]?.message).toContain("got invalid value");
    expect(JSON.stringify(asInt.errors).length).toBeLessThan(2_000);
    const asName = await gql(server, "query($u: String!) { user(username: $u) { id } }", { u: huge }, alice);
    expect(asName.errors).toHaveLength(1);
    expect(JSON.stringify(asName.errors).length).toBeLessThan(2_000);
  });

  it("graphql-ws: a huge invalid variable is not echoed either", async () => {
    const socket = new RawSocket(server.wsUrl);
    await socket.init(alice.token);
    const query = "query($n: Int) { onlineUsers(first: $n) { totalCount } }";
    socket.send({ id: "1", type: "subscribe", payload: { query, variables: { n: "x".repeat(60_000) } } });
    const frame = await socket.frame((f) => f.id === "1");
    expect(JSON.stringify(frame).length).toBeLessThan(2_000);
    socket.socket.close();
  });

  it("graphql-ws: a client that sends connection_ack or next is closed with 4400, not 4500", async () => {
    for (const message of [{ type: "connection_ack" }, { type: "next", id: "1", payload: { data: {} } }]) {
      const socket = new RawSocket(server.wsUrl);
      await socket.init(alice.token);
      socket.send(message);
      expect(await closeCode(socket)).toBe(4400);
    }
  });
});

describe("request size", () => {
  /** Sends `size` bytes as a JSON body (without waiting for a refusal) and resolves with the status, if any. */
  function postBytes(size: number, chunk: Buffer) {
    return new Promise<number | undefined>((resolve) => {
      const url = new URL(server.url);
      const request = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": size },
      });
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on("error", () => resolve(undefined)); // the server may close before the whole body is sent
      for (let sent = 0; sent < size; sent += chunk.length)
        request.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
      request.end();
    });
  }

  it("refuses a body over MAX_REQUEST_BYTES with 413 and accepts one just under it", async () => {
    const padding = " ".repeat(LIMITS.maxRequestBytes - 100);
    const under = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query": "{ __typename }"${padding}}`,
    });
    expect(under.status).toBe(200);
    const over = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query": "{ __typename }"${padding}${" ".repeat(200)}}`,
    });
    expect(over.status).toBe(413);
    const refusal = (await over.json()) as { errors: { extensions: { code: string } }[] };
    expect(refusal.errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("RSS stays flat after 60 bodies of 1 to 20 MB: they are refused before they are read", async () => {
    const chunk = Buffer.alloc(1024 * 1024, " ");
    await postBytes(2 * 1024 * 1024, chunk); // warm up
    const before = process.memoryUsage().rss;
    const statuses = [];
    for (let i = 0; i < 60; i++) statuses.push(await postBytes((1 + (i % 20)) * 1024 * 1024, chunk));
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(32 * 1024 * 1024);
    // 413 each time (undefined: the connection was reset while the client was still sending, also a refusal)
    expect(statuses.filter((status) => status !== undefined && status !== 413)).toEqual([]);
    expect(statuses).toContain(413);
  }, 60_000);
});

describe("caps", () => {
  it("a subscribe beyond WS_MAX_SUBSCRIPTIONS gets an error for that operation; the socket stays", async () => {
    const bob = await signUp(server);
    const chatId = await openChat(server, alice, bob.username);
    const client = wsClient(server, bob);
    const queues = Array.from({ length: LIMITS.maxSubscriptionsPerSocket }, () => new EventQueue(client, CHAT_EVENTS));
    for (const queue of queues) await queue.ready();
    const refused = new EventQueue(client, CHAT_EVENTS);
    await expect(refused.next()).rejects.toThrow(/RATE_LIMITED/);
    await gql(server, SEND, { c: chatId, t: "still delivered" }, alice);
    for (const queue of queues) expect((await queue.next()).chatEvents.message.content).toBe("still delivered");
    await client.dispose();
  });

  it("a socket beyond WS_MAX_SOCKETS_PER_USER is closed with 1008; closing one frees a place", async () => {
    const bob = await signUp(server);
    const [first, second] = [new RawSocket(server.wsUrl), new RawSocket(server.wsUrl)];
    for (const socket of [first, second])
      expect(await socket.init(bob.token)).toMatchObject({ type: "connection_ack" });
    const extra = new RawSocket(server.wsUrl);
    await extra.init(bob.token);
    expect(await closeCode(extra)).toBe(1008);
    first.socket.close();
    await first.closed;
    const again = new RawSocket(server.wsUrl);
    expect(await again.init(bob.token)).toMatchObject({ type: "connection_ack" });
    for (const socket of [second, again]) socket.socket.close();
  });
});

describe("subscriptions over SSE end at the token's expiry", () => {
  let short: TestServer;
  beforeAll(async () => {
    short = await startServer({ config: { accessTokenTtl: 2 } });
  });
  afterAll(() => short.stop());

  it("the stream sends UNAUTHENTICATED at exp and completes", async () => {
    const bob = await signUp(short);
    const started = Date.now();
    const response = await fetch(short.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${bob.token}`,
      },
      body: JSON.stringify({ query: "subscription { chatEvents { __typename } }" }),
      signal: AbortSignal.timeout(8_000),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    let text = "";
    const decoder = new TextDecoder();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (!text.includes("event: complete")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(text).toContain("StreamReadyEvent");
    expect(text).toContain("UNAUTHENTICATED");
    expect(text).toContain("event: complete");
    const exp = JSON.parse(Buffer.from(bob.token.split(".")[1] ?? "", "base64url").toString()).exp * 1000;
    expect(Date.now()).toBeGreaterThanOrEqual(exp - 50); // not before the expiry…
    expect(Date.now() - started).toBeLessThan(5_000); // …and at it, not at some later check
  });
});

describe("slow consumers", () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startServer({
      config: { transportLimits: { ...DEFAULT_TRANSPORT_LIMITS, maxBufferedBytes: 64 * 1024 } },
    });
  });
  afterAll(() => slow.stop());

  // 15 aliases of a 255-character message: about 4 KB per event, 400 KB per message over 100 subscriptions
  const FAT_EVENTS = `subscription { chatEvents { __typename ... on MessageSentEvent { message {
    ${Array.from({ length: 15 }, (_, i) => `c${i}: content`).join(" ")} } } } }`;

  it("a socket that stops reading is closed with 1013; another user's delivery is unaffected", async () => {
    const [sender, reader, carol, dave] = [
      await signUp(slow),
      await signUp(slow),
      await signUp(slow),
      await signUp(slow),
    ];
    const chatId = await openChat(slow, sender, reader.username);
    const carolChat = await openChat(slow, dave, carol.username);
    const carolClient: Client = wsClient(slow, carol);
    const carolQueue = new EventQueue(carolClient, CHAT_EVENTS);
    await carolQueue.ready();

    const stalled = new RawSocket(slow.wsUrl);
    await stalled.init(reader.token);
    for (let i = 0; i < 100; i++) stalled.send({ id: `${i}`, type: "subscribe", payload: { query: FAT_EVENTS } });
    await stalled.frame(() => stalled.frames.filter((frame) => frame.type === "next").length === 100);
    stalled.socket.pause();

    const content = "m".repeat(255);
    for (let i = 0; i < 60; i++)
      expect((await gql(slow, SEND, { c: chatId, t: content }, sender)).errors).toBeUndefined();
    const sentAt = Date.now();
    await gql(slow, SEND, { c: carolChat, t: "for carol" }, dave);
    expect((await carolQueue.next()).chatEvents.message.content).toBe("for carol");
    expect(Date.now() - sentAt).toBeLessThan(2_000);

    stalled.socket.resume();
    expect(await closeCode(stalled, 10_000)).toBe(1013);
    await carolClient.dispose();
  }, 60_000);
});
