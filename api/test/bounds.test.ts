// Every String, ID and list argument is bounded before a resolver runs (graphql/bounds.ts): a schema that
// forgets a bound does not build, and oversized or unstorable input is BAD_USER_INPUT without being echoed.
import { getDatamodel } from "@parley/db/pothos-types";
import SchemaBuilder from "@pothos/core";
import { execute, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundsPlugin } from "../src/graphql/bounds.ts";
import { clientOf, codeOf, gql, openChat, startServer, type TestServer } from "./harness.ts";

/** A schema of its own, with only the bounds plugin (the prisma options are required by type only). */
const newBuilder = () =>
  new SchemaBuilder<{ DefaultFieldNullability: false }>({
    plugins: [boundsPlugin],
    defaultFieldNullability: false,
    prisma: {
      client: () => {
        throw new Error("this schema has no database");
      },
      dmmf: getDatamodel(),
    },
  });

describe("the bounds plugin", () => {
  it("refuses to build a schema with a String argument without maxLength", () => {
    const builder = newBuilder();
    builder.queryType({
      fields: (t) => ({ f: t.boolean({ args: { s: t.arg.string() }, resolve: () => true }) }),
    });
    expect(() => builder.toSchema()).toThrow(/Query\.f\(s\) is a String without maxLength/);
  });

  it("refuses to build a schema with a list argument without maxItems", () => {
    const builder = newBuilder();
    builder.queryType({
      fields: (t) => ({ f: t.boolean({ args: { l: t.arg.intList() }, resolve: () => true }) }),
    });
    expect(() => builder.toSchema()).toThrow(/Query\.f\(l\) is a list without maxItems/);
  });

  it("refuses to build a schema with an unbounded String field in an input object", () => {
    const builder = newBuilder();
    const Input = builder.inputType("In", { fields: (t) => ({ s: t.string() }) });
    builder.queryType({
      fields: (t) => ({ f: t.boolean({ args: { i: t.arg({ type: Input }) }, resolve: () => true }) }),
    });
    expect(() => builder.toSchema()).toThrow(/In\.s is a String without maxLength/);
  });

  describe("checks values before the resolver", () => {
    let calls = 0;
    const builder = newBuilder();
    const Input = builder.inputType("In", { fields: (t) => ({ s: t.string({ maxLength: 3 }) }) });
    builder.queryType({
      fields: (t) => ({
        f: t.boolean({
          args: {
            s: t.arg.string({ maxLength: 5 }),
            id: t.arg.id(),
            list: t.arg.stringList({ maxItems: 2, maxLength: 2 }),
            input: t.arg({ type: Input }),
          },
          resolve: () => {
            calls++;
            return true;
          },
        }),
      }),
    });
    const schema = builder.toSchema();
    const run = async (args: string, variables: Record<string, unknown> = {}) => {
      const before = calls;
      const result = await execute({
        schema,
        document: parse(`query($v: String, $l: [String!]) { f(${args}) }`),
        variableValues: variables,
      });
      return { result, resolved: calls > before, error: result.errors?.[0] };
    };

    it("passes values within their bounds", async () => {
      const { resolved, error } = await run('s: "12345", id: "x", list: ["ab", "cd"], input: { s: "abc" }');
      expect(error).toBeUndefined();
      expect(resolved).toBe(true);
    });

    it.each([
      ["a String past maxLength", "s: $v", { v: "123456" }, "s", /at most 5 characters/],
      ["an ID past the default 64", `id: "${"i".repeat(65)}"`, {}, "id", /at most 64/],
      ["a list past maxItems", "list: $l", { l: ["a", "b", "c"] }, "list", /at most 2 items/],
      ["a list item past maxLength", "list: $l", { l: ["abc"] }, "list", /at most 2 characters/],
      ["an input object field past maxLength", 'input: { s: "abcd" }', {}, "input.s", /at most 3 characters/],
      ["a NUL", "s: $v", { v: "a\u0000b" }, "s", /NUL/],
      ["an unpaired high surrogate", "s: $v", { v: "a\uD83D" }, "s", /surrogate/],
      ["an unpaired low surrogate", "s: $v", { v: "\uDE00b" }, "s", /surrogate/],
    ])("refuses %s with BAD_USER_INPUT naming it, never resolving", async (_name, args, variables, field, message) => {
      const { resolved, error } = await run(args, variables);
      expect(resolved).toBe(false);
      expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(error?.message).toMatch(message);
    });

    it("accepts a paired surrogate (an emoji)", async () => {
      expect((await run("s: $v", { v: "😀" })).error).toBeUndefined();
    });
  });
});

describe("the API's arguments", () => {
  let server: TestServer;
  const { users, as, refused } = clientOf(() => server);
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  // far past every bound, below the transport's body limit (MAX_REQUEST_BYTES), which would refuse it first
  const HUGE = "x".repeat(20_000);
  const cases: [string, string, (v: string) => Record<string, unknown>, string][] = [
    ["searchUsers(query)", "query($v: String!) { searchUsers(query: $v) { totalCount } }", (v) => ({ v }), "query"],
    ["user(username)", "query($v: String!) { user(username: $v) { id } }", (v) => ({ v }), "username"],
    [
      "logIn(login)",
      'mutation($v: String!) { logIn(login: $v, password: "correct1horse") { accessToken } }',
      (v) => ({ v }),
      "login",
    ],
    [
      "updateProfile(nickname)",
      "mutation($v: String!) { updateProfile(nickname: $v) { id } }",
      (v) => ({ v }),
      "nickname",
    ],
    [
      "signUp(username)",
      'mutation($v: String!) { signUp(username: $v, email: "huge@example.com", password: "correct1horse") { accessToken } }',
      (v) => ({ v }),
      "username",
    ],
    ["addFriend(username)", "mutation($v: String!) { addFriend(username: $v) { id } }", (v) => ({ v }), "username"],
    ["chatWith(username)", "query($v: String!) { chatWith(username: $v) { id } }", (v) => ({ v }), "username"],
    ["chat(id)", "query($v: ID!) { chat(id: $v) { id } }", (v) => ({ v }), "id"],
  ];

  it.each(cases)("%s: 20 KB is BAD_USER_INPUT, and the error does not echo it", async (_name, query, vars, field) => {
    const [user] = await users(1);
    const result = await gql(server, query, vars(HUGE), user);
    expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(JSON.stringify(result.errors).length).toBeLessThan(1000);
  });

  it.each(cases.slice(0, 4))(
    "%s: NUL and unpaired surrogates are BAD_USER_INPUT",
    async (_name, query, vars, field) => {
      const [user] = await users(1);
      for (const value of ["a\u0000b", "a\uD800", "\uDFFFb"]) {
        const result = await gql(server, query, vars(value), user);
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      }
    },
  );

  it("a username that is 100 characters once lower-cased (50 × İ) is simply not found", async () => {
    const [user] = await users(1);
    const long = "\u0130".repeat(50);
    await refused(user, "query($v: String!) { user(username: $v) { id } }", { v: long }, "NOT_FOUND");
    const { searchUsers } = await as(user, "query($v: String!) { searchUsers(query: $v) { totalCount } }", { v: long });
    expect(searchUsers.totalCount).toBe(0);
  });

  it("messages(offset: -5) is BAD_USER_INPUT on offset", async () => {
    const [alice, bob] = await users(2);
    const chatId = await openChat(server, alice, bob.username);
    const result = await gql(
      server,
      "query($c: ID!) { chat(id: $c) { messages(offset: -5) { totalCount } } }",
      { c: chatId },
      alice,
    );
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.field).toBe("offset");
  });
});
