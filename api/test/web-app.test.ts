// The web app's build (WEB_DIR, default web/build) on the API's origin: its files, deep links answered by
// index.html, long caching only for content-hashed files, and every other route left to its owner.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { startServer, type TestServer } from "./harness.ts";

let build: string;
let server: TestServer;
let origin: string;
const INDEX = "<!doctype html><title>Parley</title>";

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), "web-build-"));
  await mkdir(join(build, "_app", "immutable", "entry"), { recursive: true });
  await writeFile(join(build, "index.html"), INDEX);
  await writeFile(join(build, "_app", "immutable", "entry", "start.Ab12.js"), "export {}");
  await writeFile(join(build, "_app", "version.json"), '{"version":"1"}');
  server = await startServer({ config: { webDir: build } });
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  await server?.stop();
  await rm(build, { recursive: true, force: true });
});

it("serves the app at / and answers its deep links with index.html", async () => {
  for (const path of ["/", "/chats/3f2c", "/u/alice", "/notifications?tab=unread"]) {
    const response = await fetch(origin + path);
    expect([path, response.status, response.headers.get("content-type"), await response.text()]).toEqual([
      path,
      200,
      "text/html; charset=utf-8",
      INDEX,
    ]);
    expect(response.headers.get("cache-control")).toBe("no-cache");
  }
});

it("caches content-hashed files for a year, and nothing else", async () => {
  const hashed = await fetch(`${origin}/_app/immutable/entry/start.Ab12.js`);
  expect(hashed.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(hashed.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect((await fetch(`${origin}/_app/version.json`)).headers.get("cache-control")).toBe("no-cache");
  // a missing hashed file is the fallback page, which must never be cached as if it were that file
  expect((await fetch(`${origin}/_app/immutable/entry/gone.js`)).headers.get("cache-control")).toBe("no-cache");
});

it("leaves GraphQL, GraphiQL, /api and /media to their owners", async () => {
  const graphql = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  expect(await graphql.json()).toEqual({ data: { __typename: "Query" } });
  const graphiql = await fetch(server.url, { headers: { accept: "text/html" } });
  expect(await graphiql.text()).toContain("Parley GraphQL explorer");
  const legacy = await fetch(`${origin}/api/nothing`);
  expect([legacy.status, legacy.headers.get("content-type")]).toEqual([404, "application/json"]);
  const media = await fetch(`${origin}/media/nothing`);
  expect(await media.text()).not.toBe(INDEX);
});

it("WEB_DIR defaults to web/build; LEGACY_WEB_DIR, when set, is served instead", async () => {
  const config = await loadConfig({ PARLEY_DATA_DIR: "memory://" });
  expect(config.webDir).toMatch(/\/web\/build$/);
  const legacy = await mkdtemp(join(tmpdir(), "legacy-web-"));
  await writeFile(join(legacy, "index.html"), "legacy");
  const both = await startServer({ config: { webDir: build, legacyWebDir: legacy } });
  try {
    expect(await (await fetch(`${new URL(both.url).origin}/chats`)).text()).toBe("legacy");
  } finally {
    await both.stop();
    await rm(legacy, { recursive: true, force: true });
  }
});
