// The parse and validation cache: valid documents are parsed and validated once, invalid ones every time (never
// kept), and the cache holds at most its budget of tokens. Validation runs are counted by a rule of their own.
import type { ValidationRule } from "graphql";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import { expect, it } from "vitest";
import { documentCache } from "../src/graphql/document-cache.ts";

function server(maxTokens?: number) {
  const validations = { count: 0 };
  const counting: ValidationRule = () => {
    validations.count++;
    return {};
  };
  const countValidations: Plugin = { onValidate: ({ addValidationRule }) => addValidationRule(counting) };
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: "type Query { a: Int, b: Int }",
      resolvers: { Query: { a: () => 1, b: () => 2 } },
    }),
    parserAndValidationCache: false,
    plugins: [countValidations, documentCache(maxTokens)],
  });
  const run = async (query: string) => {
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: unknown[] };
  };
  return { run, validations };
}

it("validates a valid document once and an invalid one every time", async () => {
  const { run, validations } = server();
  for (let i = 0; i < 3; i++) expect(await run("{ a }")).toEqual({ data: { a: 1 } });
  expect(validations.count).toBe(1);
  for (let i = 0; i < 3; i++) expect((await run("{ nope }")).errors).toHaveLength(1);
  expect(validations.count).toBe(4);
  // a syntax error is refused each time too (not kept either)
  for (let i = 0; i < 2; i++) expect((await run("{ a")).errors).toHaveLength(1);
});

it("keeps at most its budget of tokens: a larger document is never kept, the oldest ones go first", async () => {
  // "{ a }" is 5 tokens with <SOF> and <EOF>; "{ a b }" is 6
  const { run, validations } = server(11);
  await run("{ a b a b a b a b }"); // 12 tokens: over the budget on its own
  await run("{ a b a b a b a b }");
  expect(validations.count).toBe(2);
  await run("{ a }");
  await run("{ b }");
  await run("{ a }");
  await run("{ b }");
  expect(validations.count).toBe(4);
  await run("{ a b }"); // 5 + 5 + 6 > 11: "{ a }", the least recently used, goes
  await run("{ b }");
  await run("{ a b }");
  expect(validations.count).toBe(5);
  await run("{ a }");
  expect(validations.count).toBe(6);
});
