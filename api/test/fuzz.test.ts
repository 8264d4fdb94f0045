// Fuzz: generated GraphQL documents, variables, raw HTTP bodies, GET requests and graphql-ws frames against a
// running app: a child process (`node --import tsx src/main.ts`) in the project's mode, so its RSS and its survival
// are its own. Over 10,000 inputs: nothing answers 5xx or leaks a stack, no masked
// "Unexpected error.", no socket closed as an internal error, no row stored from a refused input, RSS flat.
// Reproduce a run with FUZZ_SEED=<the seed in the failure message>.

import { readFile } from "node:fs/promises";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_TRANSPORT_LIMITS } from "../src/graphql/transport-limits.ts";
import { type ChildInstance, spawnInstance } from "./faults/instance.ts";
import { createTestDatabase, gql, mode, openChat, signUp, type TestDatabase, type TestUser } from "./harness.ts";
import { clearKeys, testKeyPrefix } from "./presence.helpers.ts";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = { documents: 1200, bodies: 250, gets: 250, signUps: 30, sends: 150, sockets: 300 };
const PARALLEL = 8;
/** RSS may grow by this much over the run (caches, JIT, PGlite's buffers), not by what the inputs weigh. */
const RSS_BOUND_MB = 150;
/** A request unanswered after this is a finding (a hung request), not a stuck test. */
const ANSWER_WITHIN_MS = 10_000;

let server: ChildInstance;
let database: TestDatabase;
const prefix = testKeyPrefix();
let alice: TestUser;
let bob: TestUser;
let chatId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await spawnInstance(
    mode === "shared"
      ? { DATABASE_URL: database.url as string, REDIS_URL: process.env.REDIS_URL as string, REDIS_KEY_PREFIX: prefix }
      : { PARLEY_DATA_DIR: "memory://" },
  );
  [alice, bob] = [await signUp(server), await signUp(server)];
  chatId = await openChat(server, alice, bob.username);
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
  await clearKeys(prefix);
});

const messageCount = async (): Promise<number> =>
  (await gql(server, `query($c: ID!) { chat(id: $c) { messages { totalCount } } }`, { c: chatId }, alice)).data?.chat
    .messages.totalCount;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Stored users, where the test can count them (PostgreSQL); embedded mode checks by logging in instead. */
async function countUsers(): Promise<number | undefined> {
  if (!database.url) return undefined;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM users")).rows[0]?.n;
  } finally {
    await client.end();
  }
}

// ---- arbitraries -------------------------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const edgeText = fc.constantFrom(
  "",
  "\u0000",
  "a\u0000b",
  "\u202Eevil",
  "\u200B\u200B",
  "İ".repeat(50),
  "👩‍👩‍👧‍👦".repeat(20),
  "\uFEFF",
  "%E0%A4%A",
  "' OR 1=1 --",
  "{{__proto__}}",
  "x".repeat(70_000),
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), loneSurrogate), { maxLength: 8 }).map((parts) => parts.join("")),
  edgeText,
);
const huge = fc.integer({ min: 100_000, max: 1_000_000 }).map((n) => "y".repeat(n));
const literal = fc.oneof(
  text.map((value) => JSON.stringify(value)),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom(
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[1, 2]",
    "{ a: 1 }",
    "$v",
    "MEDIUM",
    "-5",
    "2147483648",
    "1e400",
  ),
);
const FIELDS = [
  (v: string) => `user(username: ${v}) { id username }`,
  (v: string) => `searchUsers(query: ${v}, first: 5) { nodes { id } totalCount }`,
  (v: string) => `chat(id: ${v}) { id }`,
  (v: string) => `chatWith(username: ${v}) { id }`,
  (v: string) => `game(id: ${v}) { id }`,
  (v: string) => `onlineUsers(first: ${v}) { totalCount }`,
  (v: string) => `chats(first: ${v}, offset: ${v}) { totalCount }`,
  (v: string) =>
    `me { nickname chats(first: 2) { nodes { messages(first: ${v}, offset: ${v}, after: ${v}) { totalCount } } } }`,
  (v: string) => `notifications(first: ${v}) { totalCount }`,
];
const MUTATIONS = [
  (v: string) => `updateProfile(nickname: ${v}) { nickname }`,
  (v: string) => `openChat(username: ${v}) { chat { id } }`,
  (v: string) => `addFriend(username: ${v}) { id }`,
  (v: string) => `blockUser(username: ${v}) { id }`,
  (v: string) => `setTyping(chatId: ${v})`,
  (v: string) => `markMessageRead(messageId: ${v}) { id }`,
  (v: string) => `inviteToDuel(username: ${v}, clientId: ${v}) { id }`,
  (v: string) => `refreshSession(refreshToken: ${v}) { accessToken }`,
];
const selection = (fields: ((v: string) => string)[]) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: fields.length - 1 }), literal), { minLength: 1, maxLength: 4 })
    .map((picks) => picks.map(([i, v], n) => `f${n}: ${(fields[i] as (v: string) => string)(v)}`).join(" "));
const document = fc.oneof(
  { weight: 5, arbitrary: selection(FIELDS).map((s) => `query($v: String) { ${s} }`) },
  { weight: 3, arbitrary: selection(MUTATIONS).map((s) => `mutation($v: String) { ${s} }`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `${"{ me { friends { nodes ".repeat(n)}`) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 400 })
      .map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(" ")} }`),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => `{ me { id ${"@include(if: true) ".repeat(n)} } }`),
  },
  { weight: 2, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "subscription { chatEvents { __typename } }",
      "{ __schema { types { name } } }",
      "query A { me { id } } query B { me { id } }",
      "fragment F on Query { ...F } { ...F }",
    ),
  },
);
/** Documents that pass validation whatever the string: the fuzzed text reaches the resolvers. */
const STRING_ARGUMENTS = [
  "query($v: String!) { f0: user(username: $v) { id } }",
  "query($v: String!) { f0: searchUsers(query: $v, first: 5) { totalCount } }",
  "query($v: String!) { f0: chatWith(username: $v) { id } }",
  "mutation($v: String!) { f0: updateProfile(nickname: $v) { nickname } }",
  "mutation($v: String!) { f0: openChat(username: $v) { chat { id } } }",
  "mutation($v: String!) { f0: addFriend(username: $v) { id } }",
  "mutation($v: String!) { f0: blockUser(username: $v) { id } }",
  "mutation($v: String!) { f0: inviteToDuel(username: $v, clientId: $v) { id } }",
  "mutation($v: String!) { f0: logIn(login: $v, password: $v) { accessToken } }",
  "query($v: ID!) { f0: chat(id: $v) { id } }",
  "query($v: String) { me { chats(first: 1) { nodes { messages(after: $v) { totalCount } } } } }",
];
const typed = fc.tuple(
  fc.constantFrom(...STRING_ARGUMENTS),
  fc.oneof(text, huge).map((v) => ({ v })),
  fc.constant(true),
);
const variables = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom("v", "c", "u", "__proto__", "constructor"), fc.oneof(fc.jsonValue(), text, huge), {
    maxKeys: 3,
  }),
  fc.jsonValue(),
);
const body = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record({
      query: fc.oneof(fc.jsonValue(), document),
      variables: fc.jsonValue(),
      extensions: fc.jsonValue(),
      operationName: fc.jsonValue(),
    })
    .map((value) => JSON.stringify(value)),
  fc.tuple(document, fc.nat()).map(([query, cut]) => JSON.stringify({ query }).slice(0, cut % 60)),
  huge.map((filler) => JSON.stringify({ query: `{ searchUsers(query: "${filler}") { totalCount } }` })),
  huge.map((filler) => JSON.stringify({ query: "query($n: Int) { me { id } }", variables: { n: filler } })),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-16",
  "application/graphql-response+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  undefined,
);
const param = fc.oneof(
  text,
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.constantFrom("{nope", "[", "%", "null", '{"v":'),
);
const getQuery = fc.record(
  { query: fc.oneof(document, text), variables: param, extensions: param, operationName: param },
  { requiredKeys: ["query"] },
);
const smallVariables = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom("v", "c", "__proto__"), fc.oneof(fc.jsonValue(), text), { maxKeys: 3 }),
);
/** Frames a server must take in its stride: subscriptions with fuzzed documents and variables, completes, pings. */
const wellFormedFrame = fc
  .oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant("subscribe"),
        id: fc.uuid(),
        payload: fc.record({ query: document, variables: smallVariables }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant("subscribe"),
        id: fc.uuid(),
        payload: fc.constant({ query: "subscription { chatEvents { __typename } }" }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("complete"), id: fc.oneof(fc.uuid(), text) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constantFrom("ping", "pong"),
        payload: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
      }),
    },
  )
  .map((value) => JSON.stringify(value));
/** A session's last frame may break the protocol: the socket should close with a 44xx code or 1009, not 4500. */
const lastFrame = fc.oneof(
  wellFormedFrame,
  fc.string({ unit: "binary" }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom("connection_init", "subscribe", "connection_ack", "next", "error", "complete"),
          fc.jsonValue(),
        ),
        id: fc.oneof(fc.constant("dup"), fc.jsonValue(), text),
        payload: fc.oneof(fc.jsonValue(), fc.record({ query: document, variables: smallVariables })),
      },
      { requiredKeys: ["type"] },
    )
    .map((value) => JSON.stringify(value)),
  fc.constantFrom(
    JSON.stringify({ type: "connection_ack" }),
    JSON.stringify({ type: "next", id: "1", payload: {} }),
    "x".repeat(70_000),
    JSON.stringify({ type: "subscribe", id: "big", payload: { query: "z".repeat(60_000) } }),
  ),
);
const session = fc.record({
  authenticated: fc.integer({ min: 0, max: 9 }).map((n) => n > 0), // most sessions get past the handshake
  frames: fc
    .tuple(fc.array(wellFormedFrame, { minLength: 25, maxLength: 45 }), lastFrame)
    .map(([frames, last]) => [...frames, last]),
});

// ---- checks ------------------------------------------------------------------------------------------------

const findings = new Map<string, { count: number; sample: string }>();
const note = (category: string, sample: unknown) => {
  const found = findings.get(category) ?? { count: 0, sample: short(sample) };
  found.count++;
  findings.set(category, found);
};
function short(value: unknown): string {
  const textValue = typeof value === "string" ? value : JSON.stringify(value);
  return textValue.length > 160 ? `${textValue.slice(0, 160)}… (${textValue.length} chars)` : textValue;
}
const STACK = /\bat [^\n]*:\d+:\d+|"stack"|originalError/;

/** Judges one HTTP answer; `what` names the input in a finding. */
async function judge(kind: string, request: Promise<Response>, input: unknown, inputLength: number) {
  let response: Response;
  let answer: string;
  try {
    response = await request;
    answer = await response.text();
  } catch (error) {
    // A body over the limit is refused with 413 and `connection: close` before it is read; when the client is
    // still sending then, the close is a reset and the 413 is lost: a refusal all the same (transport.test.ts).
    const oversized = inputLength > DEFAULT_TRANSPORT_LIMITS.maxRequestBytes && (error as Error).name === "TypeError";
    if (!oversized) note(`${kind}: no answer (${(error as Error).name})`, input);
    return undefined;
  }
  if (response.status >= 500) note(`${kind}: HTTP ${response.status}`, input);
  if (STACK.test(answer)) note(`${kind}: stack or originalError in the answer`, input);
  if (answer.length > 2 * inputLength + 64 * 1024) note(`${kind}: answer echoes the input (${answer.length} B)`, input);
  let parsed: { errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] } | undefined;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return undefined;
  }
  for (const error of parsed?.errors ?? []) {
    if (error.extensions?.code === "INTERNAL_SERVER_ERROR" || error.message === "Unexpected error.") {
      note(
        `${kind}: masked unexpected error at ${String(error.path?.[0] ?? "(request)").replace(/^f\d+$/, "field")}`,
        input,
      );
    }
  }
  return parsed;
}

/**
 * Samples `count` inputs lazily, a chunk at a time (the inputs weigh megabytes), and runs them PARALLEL at once.
 * `phase` tells the phases' inputs apart; SEED, the runs.
 */
async function inParallel<T>(
  arbitrary: fc.Arbitrary<T>,
  count: number,
  phase: number,
  run: (item: T) => Promise<void>,
) {
  const CHUNK = PARALLEL * 8;
  for (let start = 0; start < count; start += CHUNK) {
    const items = fc.sample(arbitrary, {
      numRuns: Math.min(CHUNK, count - start),
      seed: SEED ^ (phase * 100_000 + start),
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < items.length) await run(items[next++] as T);
      }),
    );
  }
}

const post = (payload: string, type: string | undefined, token?: string) =>
  fetch(server.url, {
    method: "POST",
    headers: {
      accept: "application/json", // a subscription would otherwise stream (SSE) until the test ends
      ...(type ? { "content-type": type } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: payload,
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });

/** One socket: the frames in order, then a ping: its pong means the server has handled every frame before it. */
function fuzzSocket({ authenticated, frames }: { authenticated: boolean; frames: string[] }) {
  return new Promise<void>((resolve) => {
    const socket = new WebSocket(server.wsUrl, "graphql-transport-ws");
    const done = (code?: number) => {
      if (code === 4500 || code === 1011) note(`ws: closed ${code} (internal error)`, frames.at(-1));
      clearTimeout(timer);
      socket.terminate();
      resolve();
    };
    const timer = setTimeout(() => {
      note("ws: no pong and no close within 10 s", frames.at(-1));
      done();
    }, ANSWER_WITHIN_MS);
    socket.on("message", (data) => {
      const message = String(data);
      if (STACK.test(message)) note("ws: stack or originalError in a message", frames.at(-1));
      if (/INTERNAL_SERVER_ERROR|Unexpected error\./.test(message)) note("ws: masked unexpected error", message);
      if (message === '{"type":"pong"}') setTimeout(() => done(), 300); // frames are handled concurrently
    });
    socket.on("close", (code) => done(code));
    socket.on("error", () => {});
    const sendFrames = () => {
      for (const data of frames) socket.send(data);
      socket.send('{"type":"ping"}');
    };
    socket.on("open", () => {
      if (!authenticated) return sendFrames(); // refused at the first operation (4401)
      socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${alice.token}` } }));
    });
    // Operations wait for the ack: before it, graphql-ws refuses them all alike (4401).
    socket.once("message", (data) => {
      // the ack carries the user id (`payload.userId`)
      if (authenticated && String(data).startsWith('{"type":"connection_ack"')) sendFrames();
    });
  });
}

/** One round of every phase; `scale` 1 is the full run. Returns what it sent and what was accepted. */
async function round(scale: number, base: number) {
  let inputs = 0;
  await inParallel(
    fc.oneof(fc.tuple(document, variables, fc.boolean()), typed),
    Math.round(RUNS.documents * scale),
    base + 1,
    async ([query, vars, auth]) => {
      const payload = JSON.stringify({ query, variables: vars });
      await judge(
        `POST document (${/f0: (\w+)/.exec(String(query))?.[1] ?? "any"})`,
        post(payload, "application/json", auth ? alice.token : undefined),
        { query, variables: vars },
        payload.length,
      );
      inputs++;
    },
  );
  await inParallel(fc.tuple(body, contentType), Math.round(RUNS.bodies * scale), base + 2, async ([payload, type]) => {
    await judge(`POST body (${type ?? "no content-type"})`, post(payload, type, alice.token), payload, payload.length);
    inputs++;
  });
  await inParallel(getQuery, Math.round(RUNS.gets * scale), base + 3, async (params) => {
    const url = new URL(server.url);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = fetch(url, {
      headers: { accept: "application/json", authorization: `Bearer ${alice.token}` },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    await judge("GET", response, params, url.search.length);
    inputs++;
  });

  // Writes: a refused input stores nothing; an accepted one stores exactly one row.
  let acceptedSignUps = 0;
  const refusedSignUps: { e: string; p: string }[] = [];
  const SIGN_UP = `mutation($u: String!, $e: String!, $p: String!) { signUp(username: $u, email: $e, password: $p) { user { id } } }`;
  await inParallel(fc.tuple(text, text, text), Math.round(RUNS.signUps * scale), base + 4, async ([u, e, p]) => {
    const payload = JSON.stringify({ query: SIGN_UP, variables: { u, e, p } });
    const result = await judge("signUp", post(payload, "application/json"), { u, e, p }, payload.length);
    if (result && !result.errors) acceptedSignUps++;
    else refusedSignUps.push({ e, p });
    inputs++;
  });
  let acceptedSends = 0;
  const SEND = `mutation($c: ID!, $t: String!, $ts: String) { sendMessage(chatId: $c, content: $t, clientTimestamp: $ts) { id } }`;
  const chatArg = fc.oneof({ weight: 4, arbitrary: fc.constant(chatId) }, { weight: 1, arbitrary: text });
  await inParallel(
    fc.tuple(chatArg, fc.oneof(text, huge), fc.option(text)),
    Math.round(RUNS.sends * scale),
    base + 5,
    async ([c, t, ts]) => {
      const payload = JSON.stringify({ query: SEND, variables: { c, t, ts } });
      const result = await judge(
        "sendMessage",
        post(payload, "application/json", alice.token),
        { c, t: short(t), ts },
        payload.length,
      );
      if (result && !result.errors) acceptedSends++;
      inputs++;
    },
  );

  let frames = 0;
  await inParallel(session, Math.round(RUNS.sockets * scale), base + 6, async (one) => {
    await fuzzSocket(one);
    frames += one.frames.length;
  });

  return { inputs, frames, acceptedSignUps, acceptedSends, refusedSignUps };
}

it(`over 10,000 fuzzed documents, bodies, GET requests and graphql-ws frames (seed ${SEED})`, async () => {
  // Warm-up (JIT, caches, pools, PGlite's buffers) with a small round of the same inputs, then the baseline.
  await round(0.3, 10);
  const rssBefore = await rssMb(server.pid);
  const usersBefore = await countUsers();
  const messagesBefore = await messageCount();
  const { inputs, frames, acceptedSignUps, acceptedSends, refusedSignUps } = await round(1, 0);

  // Still serving, nothing stored from a refused input, memory flat; each reported on its own.
  expect(server.exitCode()).toBeNull();
  expect((await gql(server, "{ me { id } }", {}, alice)).data?.me.id).toBe(alice.id);
  expect(inputs + frames).toBeGreaterThanOrEqual(10_000);
  expect.soft(await messageCount()).toBe(messagesBefore + acceptedSends);
  if (usersBefore !== undefined) expect.soft(await countUsers()).toBe(usersBefore + acceptedSignUps);
  const LOG_IN = `mutation($l: String!, $p: String!) { logIn(login: $l, password: $p) { accessToken } }`;
  for (const { e, p } of refusedSignUps) {
    expect
      .soft(
        (await gql(server, LOG_IN, { l: e, p })).data?.logIn ?? null,
        `a refused signUp (${short(e)}) stored a user`,
      )
      .toBeNull();
  }
  const grownMb = Math.round((await rssMb(server.pid)) - rssBefore);
  console.info(
    `fuzz (seed ${SEED}): ${inputs} inputs, ${frames} frames, RSS ${Math.round(rssBefore)} MB → ${grownMb < 0 ? "" : "+"}${grownMb} MB`,
  );
  expect.soft(grownMb, `RSS ${Math.round(rssBefore)} MB → +${grownMb} MB`).toBeLessThan(RSS_BOUND_MB);
  const report = [...findings].map(([category, { count, sample: example }]) => `${count}× ${category}: ${example}`);
  expect.soft({ seed: SEED, findings: report }).toEqual({ seed: SEED, findings: [] });
}, 300_000);
