// PostgreSQL unreachable for 10 s behind a proxy we control (the real server keeps serving other tests): every
// request in the outage gets a clear UNAVAILABLE error, quickly; the same process recovers without a restart.
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DATABASE_UNAVAILABLE } from "../../src/infra/unavailable.ts";
import {
  createTestDatabase,
  type GqlResult,
  gql,
  openChat,
  SEND,
  signUp,
  type TestDatabase,
  type TestUser,
  wsOptions,
} from "../harness.ts";
import { testKeyPrefix } from "../presence.helpers.ts";
import { type ChildInstance, spawnInstance } from "./instance.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

const OUTAGE_MS = 10_000;

let database: TestDatabase;
let proxy: TcpProxy;
let instance: ChildInstance;
let alice: TestUser;
let bob: TestUser;
let chatId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const real = new URL(database.url as string);
  proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const viaProxy = new URL(real);
  viaProxy.port = String(proxy.port);
  instance = await spawnInstance({
    DATABASE_URL: viaProxy.toString(),
    REDIS_URL: process.env.REDIS_URL as string,
    REDIS_KEY_PREFIX: testKeyPrefix(),
  });
  [alice, bob] = [await signUp(instance), await signUp(instance)];
  chatId = await openChat(instance, alice, bob.username);
});
afterAll(async () => {
  await instance?.stop();
  await proxy?.close();
  await database?.drop();
});

const ME = `{ me { id } }`;
const LOG_IN = `mutation($l: String!) { logIn(login: $l, password: "correct1horse") { accessToken } }`;
const HISTORY = `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`;

/** The same read over a graphql-ws socket opened before the outage: its operations fail, never the socket. */
let socketClosed: unknown;
function overSocket(): Promise<GqlResult> {
  return new Promise((resolve) => {
    let result: Omit<GqlResult, "response"> = { data: null };
    socket.subscribe(
      { query: ME },
      {
        next: (next) => {
          result = next as typeof result;
        },
        // graphql-ws hands an operation's refusal over as its errors, and a closed socket as its close event
        error: (error) => {
          if (!Array.isArray(error)) socketClosed = error;
          const errors = Array.isArray(error) ? error : [{ message: "socket closed", extensions: {} }];
          resolve({ data: null, errors, response: new Response() } as GqlResult);
        },
        complete: () => resolve({ ...result, response: new Response() } as GqlResult),
      },
    );
  });
}
let socket: Client;

/** One round of what clients do: read, write, log in, read over a socket. */
const round = (i: number) => [
  gql(instance, ME, {}, alice),
  gql(instance, SEND, { c: chatId, t: `during the outage ${i}` }, alice),
  gql(instance, LOG_IN, { l: bob.username }),
  overSocket(),
];

it(
  "PostgreSQL down for 10 s: clear UNAVAILABLE errors, then recovery without a restart",
  async () => {
    expect((await gql(instance, SEND, { c: chatId, t: "before" }, alice)).errors).toBeUndefined();
    // not lazy: one socket, opened now, serves every round
    socket = createClient({ ...wsOptions(instance, alice), lazy: false });
    expect((await overSocket()).data?.me?.id).toBe(alice.id);

    proxy.cut();
    const started = Date.now();
    const outcomes: string[] = [];
    let slowest = 0;
    for (let i = 0; Date.now() - started < OUTAGE_MS; i++) {
      const sent = Date.now();
      const results: GqlResult[] = await Promise.all(round(i));
      slowest = Math.max(slowest, Date.now() - sent);
      for (const result of results) {
        expect(result.response.status).toBe(200);
        expect(result.data ?? null).toBeNull();
        expect(result.errors).toHaveLength(1);
        const [error] = result.errors ?? [];
        outcomes.push(`${error?.extensions?.code}: ${error?.message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(4 * 10);
    expect(socketClosed).toBeUndefined();
    // Reads and log-ins say the database is down; a send says its message could not be stored.
    for (const outcome of outcomes) expect(outcome).toMatch(/^UNAVAILABLE: .{1,80} try again shortly\.$/);
    expect(outcomes).toContain(`UNAVAILABLE: ${DATABASE_UNAVAILABLE}`);
    expect(slowest).toBeLessThan(5000); // an answer, not a hang until the database is back

    // A socket connecting now cannot have its session checked: Try Again Later (1013), not 4403 (log in again)
    let connecting: Client | undefined;
    const refused = await new Promise<{ code: number }>((resolve) => {
      const on = { closed: (event: unknown) => resolve(event as { code: number }) };
      connecting = createClient({ ...wsOptions(instance, bob), lazy: false, on });
    });
    expect(refused.code).toBe(1013);
    await connecting?.dispose();

    proxy.restore();
    await expect
      .poll(async () => (await gql(instance, ME, {}, alice)).data?.me?.id, { timeout: 10_000, interval: 200 })
      .toBe(alice.id);
    const results = await Promise.all(round(-1));
    for (const result of results) expect(result.errors).toBeUndefined();
    // Only the messages whose send succeeded were stored: "before" and the one after recovery.
    expect((await gql(instance, HISTORY, { c: chatId }, bob)).data?.chat.messages.totalCount).toBe(2);
    expect(instance.output()).not.toMatch(/uncaught|unhandled/i);
    expect(socketClosed).toBeUndefined(); // the same socket served the rounds after recovery too
    await socket.dispose();
  },
  OUTAGE_MS + 30_000,
);
