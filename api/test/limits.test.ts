// Limits: the per-user sendMessage and invitation rate limits, and GraphQL document limits (depth, cost, aliases,
// tokens, directives) on HTTP and graphql-ws alike. Runs in both modes: in-memory counters, then Redis ones.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  getIntrospectionQuery,
  getVariableValues,
  isEnumType,
  Kind,
  type OperationDefinitionNode,
  parse,
} from "graphql";
import { type Client, createClient } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { costCheck, DEFAULT_GRAPHQL_LIMITS } from "../src/graphql/armor.ts";
import { MAX_PAGE_SIZE } from "../src/graphql/pagination.ts";
import { DEFAULT_TRANSPORT_LIMITS } from "../src/graphql/transport-limits.ts";
import { createParleyYoga, type Deps } from "../src/graphql/yoga.ts";
import {
  createRateLimits,
  DEFAULT_RATE_LIMITS,
  messageLimit,
  type RateLimitConfig,
  type RateLimits,
} from "../src/infra/rate-limit.ts";
import {
  codeOf,
  GENEROUS_RATE_LIMITS,
  type GqlResult,
  gql,
  mode,
  openChat,
  SEND,
  signUp,
  startServer,
  type TestServer,
  type TestUser,
} from "./harness.ts";

const HISTORY = `query($c: ID!) { chat(id: $c) { messages(first: 100) { totalCount nodes { content } } } }`;

type Refusal = { message: string; extensions?: { code?: string; retryAfter?: number; limit?: string } };

/** Sends `count` messages at once; resolves with the contents that were accepted and the refusals. */
async function sendAll(server: TestServer, user: TestUser, chatId: string, contents: string[]) {
  const results = await Promise.all(contents.map((t) => gql(server, SEND, { c: chatId, t }, user)));
  const accepted = contents.filter((_, i) => !results[i]?.errors);
  const refused = results.flatMap((result) => (result.errors ?? []) as Refusal[]);
  return { accepted, refused };
}

async function storedContents(server: TestServer, user: TestUser, chatId: string): Promise<string[]> {
  const history = await gql(server, HISTORY, { c: chatId }, user);
  expect(history.errors).toBeUndefined();
  return history.data?.chat.messages.nodes.map((node: { content: string }) => node.content);
}

async function chatPair(server: TestServer) {
  const [alice, bob] = [await signUp(server), await signUp(server)];
  return { alice, bob, chatId: await openChat(server, alice, bob.username) };
}

describe("sendMessage rate limit, default settings (a burst of 50, 5 a second)", () => {
  let server: TestServer;
  beforeAll(async () => {
    // its own Redis key prefix: the default sign-up limit counts per address, and other suites sign up from 127.0.0.1
    const redisKeyPrefix = `test-${randomUUID()}:`;
    server = await startServer({ config: { rateLimits: DEFAULT_RATE_LIMITS, redisKeyPrefix } });
  });
  afterAll(() => server.stop());

  it("lets a burst of 50 through, refuses the flood after it with retryAfter, stores none of it, spares others", async () => {
    const { alice, bob, chatId } = await chatPair(server);
    const started = Date.now();
    const burst = await sendAll(
      server,
      alice,
      chatId,
      Array.from({ length: 50 }, (_, i) => `burst ${i}`),
    );
    expect(burst.refused).toEqual([]);

    // The flood: 5 a second and what is left of the burst pass, the rest is refused (however slow this machine).
    const flood = await sendAll(
      server,
      alice,
      chatId,
      Array.from({ length: 60 }, (_, i) => `flood ${i}`),
    );
    const seconds = Math.ceil((Date.now() - started) / 1000);
    // At most the burst pool and 5 in each one-second window begun meanwhile (the pool comes back after 10 s).
    if (seconds < 10) expect(50 + flood.accepted.length).toBeLessThanOrEqual(50 + 5 * (seconds + 1));
    expect(flood.refused.length).toBeGreaterThan(0);
    for (const refusal of flood.refused) {
      expect(refusal.extensions?.code).toBe("RATE_LIMITED");
      expect(refusal.message).toMatch(/too fast/);
      const retryAfter = refusal.extensions?.retryAfter as number;
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10).toBe(true);
    }
    const stored = await storedContents(server, bob, chatId);
    expect(stored.length).toBe(50 + flood.accepted.length);
    expect(new Set(stored)).toEqual(new Set([...burst.accepted, ...flood.accepted]));

    // Bob has his own allowance: a burst of his own passes while alice is still limited.
    const reply = await sendAll(
      server,
      bob,
      chatId,
      Array.from({ length: 50 }, (_, i) => `reply ${i}`),
    );
    expect(reply.refused).toEqual([]);
  });

  it("refuses over graphql-ws too, as an operation error that leaves the socket open", async () => {
    const { alice, chatId } = await chatPair(server);
    const socket = liveClient(server, alice);
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => socket.run(SEND, { c: chatId, t: `ws ${i}` })),
    );
    const refused = results.filter((result) => result.errors);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(socket.closes()).toBe(0);
    await socket.client.dispose();
  });
});

describe("sendMessage rate limit refills", () => {
  let server: TestServer;
  beforeAll(async () => {
    // 1 a second, plus a burst of 3 that comes back every 3 s
    server = await startServer({
      config: { rateLimits: { ...GENEROUS_RATE_LIMITS, sendMessage: messageLimit(3, 1) } },
    });
  });
  afterAll(() => server.stop());

  it("accepts again within about a second of a refusal, without waiting for the burst to come back", async () => {
    const { alice, bob, chatId } = await chatPair(server);
    let accepted = 0;
    let refusal: GqlResult | undefined;
    for (let i = 0; i < 50 && !refusal; i++) {
      const result = await gql(server, SEND, { c: chatId, t: `m${i}` }, alice);
      if (result.errors) refusal = result;
      else accepted++;
    }
    expect(codeOf(refusal as GqlResult)).toBe("RATE_LIMITED");
    expect(accepted).toBeGreaterThanOrEqual(4); // the second's message and the burst
    expect(refusal?.errors?.[0]?.extensions).toMatchObject({ retryAfter: 1 });

    // Bounded polling: the steady rate refills each second.
    const refusedAt = Date.now();
    let next: GqlResult | undefined;
    while (Date.now() - refusedAt < 5000) {
      next = await gql(server, SEND, { c: chatId, t: "after the wait" }, alice);
      if (!next.errors) break;
      expect(codeOf(next)).toBe("RATE_LIMITED");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(next?.errors).toBeUndefined();
    expect(Date.now() - refusedAt).toBeLessThan(2500);
    expect((await storedContents(server, bob, chatId)).length).toBe(accepted + 1);
  });
});

describe("createRateLimits (invitations: 10 a minute)", () => {
  let redis: Redis | undefined;
  let limits: RateLimits;
  beforeAll(async () => {
    if (mode === "shared") {
      redis = new Redis(process.env.REDIS_URL as string);
      // Until it is ready, the limiter counts in memory (so that a Redis outage does not stall sends).
      await new Promise((resolve) => redis?.once("ready", resolve));
    }
    limits = createRateLimits(redis, DEFAULT_RATE_LIMITS);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it("allows 10 invitations a minute per user, then refuses with the seconds left in the minute", async () => {
    const [sender, other] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 10; i++) await limits.consume("invitation", sender);
    const refusal = await limits.consume("invitation", sender).then(
      () => undefined,
      (error: Refusal) => error,
    );
    expect(refusal?.extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(refusal?.extensions?.retryAfter).toBeGreaterThan(50);
    expect(refusal?.extensions?.retryAfter).toBeLessThanOrEqual(60);
    expect(refusal?.message).toMatch(/invitations too fast/);
    await limits.consume("invitation", other);
    // Each limit counts on its own: the invitations spent nothing of the message allowance.
    await limits.consume("sendMessage", sender);
  });

  it("refills a short window (small config, bounded polling)", async () => {
    const config: RateLimitConfig = { ...GENEROUS_RATE_LIMITS, invitation: { points: 2, duration: 1 } };
    const strict = createRateLimits(redis, config);
    const user = randomUUID();
    await strict.consume("invitation", user);
    await strict.consume("invitation", user);
    const start = Date.now();
    let refusals = 0;
    for (;;) {
      try {
        await strict.consume("invitation", user);
        break;
      } catch (error) {
        expect((error as Refusal).extensions?.code).toBe("RATE_LIMITED");
        refusals++;
        expect(Date.now() - start).toBeLessThan(3000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(refusals).toBeGreaterThan(0);
  });
});

/** A graphql-ws client that counts socket closes; `run` resolves with the operation's result or its errors. */
function liveClient(server: TestServer, user: TestUser) {
  let closes = 0;
  const client: Client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${user.token}` },
    retryAttempts: 0,
    // one socket for the client's life: a lazy client would close it after each operation, and closes would count
    lazy: false,
    on: { closed: () => closes++ },
  });
  const run = (query: string, variables: Record<string, unknown> = {}) =>
    new Promise<{ data?: any; errors?: Refusal[] }>((resolve, reject) => {
      let result: { data?: any; errors?: Refusal[] } = {};
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            result = value as typeof result;
          },
          error: (error) => (Array.isArray(error) ? resolve({ errors: error as Refusal[] }) : reject(error)),
          complete: () => resolve(result),
        },
      );
    });
  return { client, run, closes: () => closes };
}

const nested = (levels: number, inner: string) => `${"... on Query { ".repeat(levels)}${inner}${" }".repeat(levels)}`;

/** Each breaks one default limit and nothing else (they are valid against the schema). */
const OVER_LIMITS: Record<string, { query: string; message: RegExp }> = {
  maxDepth: { query: `{ ${nested(10, "__typename")} }`, message: /depth limit of 10 exceeded/ },
  maxCost: {
    query: "{ chats(first: 100) { nodes { messages(first: 100) { nodes { id content sender { username } } } } } }",
    message: /Cost limit of 30000 exceeded/,
  },
  maxAliases: {
    query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(" ")} }`,
    message: /Aliases limit of 15 exceeded, found 16/,
  },
  maxTokens: { query: `{ ${"__typename ".repeat(999)}}`, message: /Token limit of 1000 exceeded/ },
  maxDirectives: {
    query: `{ ${"__typename @include(if: true) ".repeat(21)}}`,
    message: /Directives limit of 20 exceeded, found 21/,
  },
};

describe("GraphQL document limits (defaults)", () => {
  let server: TestServer;
  let alice: TestUser;
  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server);
  });
  afterAll(() => server.stop());

  it("the test documents sit just past each limit", () => {
    expect(DEFAULT_GRAPHQL_LIMITS).toEqual({
      maxDepth: 10,
      maxCost: 30_000,
      maxAliases: 15,
      maxTokens: 1000,
      maxDirectives: 20,
    });
  });

  for (const [limit, { query, message }] of Object.entries(OVER_LIMITS)) {
    it(`${limit}: refused over HTTP as BAD_USER_INPUT, before anything runs`, async () => {
      const result = await gql(server, query, {}, alice);
      expect(result.data).toBeUndefined();
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.message).toMatch(message);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit });
    });

    it(`${limit}: refused over graphql-ws as an operation error; the socket stays open`, async () => {
      const socket = liveClient(server, alice);
      const result = await socket.run(query);
      expect(result.data).toBeUndefined();
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.message).toMatch(message);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit });
      // the same socket still runs operations
      expect(await socket.run("{ me { username } }")).toEqual({ data: { me: { username: alice.username } } });
      expect(socket.closes()).toBe(0);
      await socket.client.dispose();
    });
  }

  it("one level less, one alias less, and so on, pass", async () => {
    const under = [
      `{ ${nested(9, "__typename")} }`,
      `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: me { id }`).join(" ")} }`,
      // 998 tokens; not 998 × __typename, which graphql's own overlap check (a work budget) refuses
      `{ ${Array.from({ length: 332 }, (_, i) => `t${i}: __typename`).join(" ")} }`,
      `{ ${"__typename @include(if: true) ".repeat(20)}}`,
      "{ chats(first: 100) { nodes { id peer { username } lastMessage { content sender { username } } } } }",
    ];
    for (const query of under) expect((await gql(server, query, {}, alice)).errors).toBeUndefined();
  });

  it("a syntax error over graphql-ws is an operation error too, not a closed socket", async () => {
    const socket = liveClient(server, alice);
    const result = await socket.run("{ me { ");
    expect(result.errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(await socket.run("{ __typename }")).toEqual({ data: { __typename: "Query" } });
    expect(socket.closes()).toBe(0);
    await socket.client.dispose();
  });

  const introspection = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  });

  it("GraphiQL's introspection query passes over HTTP (logged out) and graphql-ws", async () => {
    const http = await gql(server, introspection);
    expect(http.errors).toBeUndefined();
    expect(http.data?.__schema.queryType.name).toBe("Query");
    const socket = liveClient(server, alice);
    const ws = await socket.run(introspection);
    expect(ws.errors).toBeUndefined();
    expect(ws.data?.__schema.types.length).toBe(http.data?.__schema.types.length);
    await socket.client.dispose();
  });

  it("every document of the web app and the bridge passes the limits, its pages at their largest", () => {
    // The same envelop pipeline as the server's, without a server: parse, validate, then the cost at run time.
    const yoga = createParleyYoga({
      graphqlLimits: DEFAULT_GRAPHQL_LIMITS,
      transportLimits: DEFAULT_TRANSPORT_LIMITS,
    } as Deps);
    const { parse, validate, schema } = yoga.getEnveloped({});
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const documents = [
      ...graphqlFiles(`${root}web/src`),
      ...graphqlFiles(`${root}bridge/src/operations`),
      { path: "introspection", source: introspection },
    ];
    expect(documents.length).toBeGreaterThanOrEqual(3);
    for (const { path, source } of documents) {
      const document: DocumentNode = parse(source);
      const errors: readonly GraphQLError[] = validate(schema, document);
      const limitErrors = errors.filter((error) => error.extensions?.limit);
      expect(limitErrors.map((error) => `${path}: ${error.message}`)).toEqual([]);
      for (const operation of document.definitions) {
        if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
        const variableValues = largestVariables(schema, operation);
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues);
        expect(coerced.errors, path).toBeUndefined(); // or the cost check would skip it
        const args = { schema, document, variableValues, operationName: operation.name?.value };
        expect(costCheck(DEFAULT_GRAPHQL_LIMITS.maxCost)(args)?.message, path).toBeUndefined();
      }
    }
  });
});

/** Every Int variable at the largest page, every other one set to something valid of its type. */
function largestVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  const samples: Record<string, unknown> = { Int: MAX_PAGE_SIZE, ID: randomUUID(), String: "x", Boolean: true };
  const entries = (operation.variableDefinitions ?? []).map((definition) => {
    let type = definition.type;
    while (type.kind !== Kind.NAMED_TYPE) type = type.type;
    const named = schema.getType(type.name.value);
    // an enum (e.g. NotificationFilter): any of its values
    const sample = isEnumType(named) ? named.getValues()[0]?.value : samples[type.name.value];
    return [definition.variable.name.value, sample];
  });
  return Object.fromEntries(entries);
}

describe("GraphQL cost with variables", () => {
  let server: TestServer;
  let alice: TestUser;
  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server);
  });
  afterAll(() => server.stop());

  // 15 aliases (the alias limit) of 20 chats × 100 messages: 30,000 messages in one request
  const ALIASED = `query($chats: Int, $n: Int) { ${Array.from(
    { length: 15 },
    (_, i) => `a${i}: chats(first: $chats) { nodes { messages(first: $n) { nodes { id content createdAt } } } }`,
  ).join(" ")} }`;

  it("15 aliases with variable page sizes are refused over HTTP as BAD_USER_INPUT with extensions.limit", async () => {
    const result = await gql(server, ALIASED, { chats: 20, n: 100 }, alice);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.message).toMatch(/Cost limit of 30000 exceeded/);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "maxCost" });
  });

  it("and over graphql-ws, as an operation error that leaves the socket open", async () => {
    const socket = liveClient(server, alice);
    const result = await socket.run(ALIASED, { chats: 20, n: 100 });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "maxCost" });
    expect(await socket.run("{ me { username } }")).toEqual({ data: { me: { username: alice.username } } });
    expect(socket.closes()).toBe(0);
    await socket.client.dispose();
  });

  it("the same document with small pages runs: variables count at their value", async () => {
    const result = await gql(server, ALIASED, { chats: 1, n: 5 }, alice);
    expect(result.errors).toBeUndefined();
    expect(result.data?.a14.nodes).toEqual([]);
  });

  it("a fragment costs what its fields cost in place (it names a selection, it is not a level)", () => {
    const { schema } = createParleyYoga({
      graphqlLimits: DEFAULT_GRAPHQL_LIMITS,
      transportLimits: DEFAULT_TRANSPORT_LIMITS,
    } as Deps).getEnveloped({});
    const costOf = (source: string) => {
      const message = costCheck(1)({ schema, document: parse(source), variableValues: { n: 50 } })?.message;
      return Number(/found (\d+)/.exec(message ?? "")?.[1]);
    };
    const fields = "id lastMessage { id content sender { username } }";
    const inline = costOf(`query($n: Int) { chats(first: $n) { nodes { ${fields} } } }`);
    const spread = costOf(
      `query($n: Int) { chats(first: $n) { nodes { ...Row } } } fragment Row on Chat { ...Inner } fragment Inner on Chat { ${fields} }`,
    );
    expect(inline).toBeGreaterThan(1000);
    expect(spread).toBe(inline);
  });

  it("a variable's default counts, and an omitted page size counts as the largest page", async () => {
    const nested = "nodes { messages(first: $n) { nodes { id content sender { username } } } }";
    const withDefault = await gql(server, `query($n: Int = 100) { chats(first: 100) { ${nested} } }`, {}, alice);
    expect(withDefault.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "maxCost" });
    const omitted = await gql(server, "{ chats { nodes { messages { nodes { id content sender { username } } } } } }");
    expect(omitted.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "maxCost" });
    // only the operation that runs counts
    const two = `query Small { me { username } } query Big($n: Int = 100) { chats(first: 100) { ${nested} } }`;
    const small = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` },
      body: JSON.stringify({ query: two, operationName: "Small" }),
    });
    expect(await small.json()).toEqual({ data: { me: { username: alice.username } } });
  });
});

function graphqlFiles(dir: string): { path: string; source: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".graphql") && !file.includes("generated"))
    .map((file) => ({ path: file, source: readFileSync(`${dir}/${file}`, "utf8") }));
}
