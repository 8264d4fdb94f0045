// The initial JavaScript budget (issue 10): whatever page one opens first, the JS it loads before it renders is
// at most 150 KB gzipped. Reads web/build (so CI runs it after `build`): index.html's scripts and modulepreloads,
// then, for each route, the root layout's and the route's nodes with the chunks vite preloads for them
// (`__vite__mapDeps`) and everything those import statically.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const BUILD = fileURLToPath(new URL("../build", import.meta.url));
const BUDGET_BYTES = 150 * 1000;
const built = existsSync(join(BUILD, "index.html"));

/** On CI the build must be there (turbo runs `build` first); locally the test waits for one. */
describe.skipIf(!built && process.env.CI !== "true")("initial JavaScript budget", () => {
  const read = (file: string) => readFileSync(file, "utf8");
  const fromUrl = (url: string) => join(BUILD, url.replace(/^\//, ""));

  /** Static `import … from "./x.js"`, `import "./x.js"` and `export … from "./x.js"` (not `import()`). */
  function closure(files: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const queue = [...files];
    for (let file = queue.pop(); file; file = queue.pop()) {
      if (seen.has(file) || !file.endsWith(".js")) continue;
      seen.add(file);
      const source = read(file);
      for (const match of source.matchAll(
        /(?:^|[;\s}])(?:import|export)\s*(?:[^"'`();]*?from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g,
      )) {
        const target = match[1];
        if (target) queue.push(resolve(dirname(file), target));
      }
    }
    return seen;
  }

  function analyse() {
    expect(built, "web/build/index.html is missing: run `npm run build -w @parley/web`").toBe(true);
    const html = read(join(BUILD, "index.html"));
    const seeds = [
      ...[...html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]*rel="modulepreload"/g)].map((m) => m[1] ?? ""),
      ...[...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((m) => m[1] ?? ""),
      ...[...html.matchAll(/import\(["'`]([^"'`]+\.js)["'`]\)/g)].map((m) => m[1] ?? ""),
    ].map(fromUrl);
    const appEntry = seeds.find((file) => /\/entry\/app\.[^/]+\.js$/.test(file));
    expect(appEntry, "index.html names no entry/app.*.js").toBeDefined();
    const app = read(appEntry ?? "");
    const entryDir = dirname(appEntry ?? "");

    // the dependency list of vite's preload helper, and each node's loader with its indices into it
    const depList = /m\.f=\[([^\]]*)\]/.exec(app)?.[1] ?? "";
    const deps = [...depList.matchAll(/["'`]([^"'`]+)["'`]/g)].map((m) => resolve(entryDir, m[1] ?? ""));
    const nodes = new Map<number, string[]>();
    for (const match of app.matchAll(
      /import\(["'`](\.\.\/nodes\/(\d+)\.[^"'`]+\.js)["'`]\)(?:\s*,\s*__vite__mapDeps\(\[([\d,\s]*)\]\))?/g,
    )) {
      const indices = (match[3] ?? "").split(",").filter(Boolean).map(Number);
      nodes.set(Number(match[2]), [
        resolve(entryDir, match[1] ?? ""),
        ...indices.map((index) => deps[index] ?? "").filter(Boolean),
      ]);
    }
    expect(nodes.has(0), "no loader for the root layout (nodes/0) in entry/app").toBe(true);

    // the routes: { "/": [2], "/login": [3], "/(app)/chats/[id]": [5, [2]] } — every node a route names counts
    const routes = new Map<string, number[]>();
    for (const match of app.matchAll(/"(\/[^"]*)":(\[(?:[^[\]]|\[[^[\]]*\])*\])/g)) {
      const ids = [...(match[2] ?? "").matchAll(/(~|-)?(\d+)/g)].map((m) =>
        m[1] === "~" ? Number(m[2]) : m[1] === "-" ? Number(m[2]) - 1 : Number(m[2]),
      );
      routes.set(match[1] ?? "", ids);
    }
    expect(routes.has("/"), "no route / in entry/app's dictionary").toBe(true);

    const gzipped = new Map<string, number>();
    const size = (file: string) => {
      let bytes = gzipped.get(file);
      if (bytes === undefined) {
        bytes = gzipSync(readFileSync(file)).length;
        gzipped.set(file, bytes);
      }
      return bytes;
    };
    // a signed-out visitor of / lands on /login: that pair counts as one first page too
    if (routes.has("/login"))
      routes.set("/ then /login", [...(routes.get("/") ?? []), ...(routes.get("/login") ?? [])]);
    return [...routes].map(([route, ids]) => {
      // the root layout (0) and the root error page (1) load at start, whatever the route
      const files = closure([...seeds, ...[0, 1, ...ids].flatMap((id) => nodes.get(id) ?? [])]);
      for (const file of files) expect(existsSync(file), `${file} is referenced but missing`).toBe(true);
      const total = [...files].reduce((sum, file) => sum + size(file), 0);
      return { route, total, files: [...files].map((file) => relative(BUILD, file)) };
    });
  }

  it("is at most 150 KB gzipped for every first page", () => {
    const results = analyse();
    for (const { route, total, files } of results) {
      console.log(`initial JS for ${route}: ${(total / 1000).toFixed(1)} KB gzipped (${files.length} files)`);
    }
    const home = results.find((result) => result.route === "/");
    console.log(`initial JS budget: / is ${((home?.total ?? 0) / 1000).toFixed(1)} KB of ${BUDGET_BYTES / 1000} KB`);
    for (const { route, total } of results) {
      expect(total, `initial JS of ${route} in bytes (gzipped)`).toBeLessThanOrEqual(BUDGET_BYTES);
    }
  });
});
