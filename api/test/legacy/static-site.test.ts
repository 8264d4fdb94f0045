// LEGACY_WEB_DIR: a legacy SPA build on the origin of /api and /ws, with the SPA fallback and nothing outside it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startServer, type TestServer } from "../harness.ts";

let parent: string;
let site: string;
let server: TestServer;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "legacy-web-"));
  site = join(parent, "dist");
  await mkdir(join(site, "img"), { recursive: true });
  await mkdir(join(site, "docs"));
  await writeFile(join(site, "index.html"), "<!doctype html><title>legacy</title>");
  await writeFile(join(site, "app.js"), "console.log('legacy')");
  await writeFile(join(site, "style.css"), "body{}");
  await writeFile(join(site, "img", "default_avatar.png"), PNG);
  await writeFile(join(site, "docs", "index.html"), "<p>docs</p>");
  await writeFile(join(parent, "secret.txt"), "not for the web");
  server = await startServer({ config: { legacyWebDir: site } });
});
afterAll(async () => {
  await server?.stop();
  await rm(parent, { recursive: true, force: true });
});

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function raw(method: string, path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers["content-type"],
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the legacy SPA build (LEGACY_WEB_DIR)", () => {
  it("serves its files with their content types", async () => {
    expect(await raw("GET", "/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(await raw("GET", "/app.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
    expect(await raw("GET", "/style.css?v=3")).toMatchObject({ status: 200, type: "text/css; charset=utf-8" });
    const png = await raw("GET", "/img/default_avatar.png");
    expect(png).toMatchObject({ status: 200, type: "image/png" });
    expect(png.body.equals(PNG)).toBe(true);
    expect((await raw("GET", "/docs")).body.toString()).toBe("<p>docs</p>");
    const head = await raw("HEAD", "/app.js");
    expect(head).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
    expect(head.body.length).toBe(0);
  });

  it("answers deep links with index.html (the SPA's router reads the path)", async () => {
    for (const path of ["/chat", "/profile/someone", "/img/missing.png"]) {
      const response = await raw("GET", path);
      expect([path, response.status, response.body.toString()]).toEqual([
        path,
        200,
        "<!doctype html><title>legacy</title>",
      ]);
    }
  });

  it("never reads outside the directory", async () => {
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/img/..%2f..%2fsecret.txt",
      "/%00",
    ]) {
      const response = await raw("GET", path);
      expect([path, response.body.toString()]).not.toEqual([path, "not for the web"]);
      expect(response.body.toString()).not.toContain("not for the web");
    }
  });

  it("leaves /api, /graphql and other methods to their owners", async () => {
    expect(await raw("GET", "/api/nothing")).toMatchObject({ status: 404, type: "application/json" });
    const graphql = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await graphql.json()).toEqual({ data: { __typename: "Query" } });
    expect((await raw("POST", "/")).type).not.toBe("text/html; charset=utf-8");
  });

  it("LEGACY_WEB_DIR is read from the environment as an absolute path; unset, nothing is served", async () => {
    const config = await loadConfig({
      LEGACY_WEB_DIR: "some/build",
      INIT_CWD: "/srv/parley",
      PARLEY_DATA_DIR: "memory://",
    });
    expect(config.legacyWebDir).toBe("/srv/parley/some/build");
    expect((await loadConfig({ PARLEY_DATA_DIR: "memory://" })).legacyWebDir).toBeUndefined();
    const plain = await startServer();
    try {
      const response = await fetch(new URL(plain.url).origin);
      expect(response.headers.get("content-type")).not.toBe("text/html; charset=utf-8");
    } finally {
      await plain.stop();
    }
  });
});
