// One origin policy for HTTP, SSE and the WebSocket upgrade: pages of other origins cannot use the session cookie.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig } from "../src/config.ts";
import { createOriginPolicy } from "../src/infra/origin-policy.ts";
import { signUp, startServer, type TestServer, type TestUser } from "./harness.ts";

const FOREIGN = "http://evil.example";
const LISTED = "http://game.example";
const ME = "{ me { email } }";

let server: TestServer;
let self: string; // the server's own origin
let alice: TestUser;

beforeAll(async () => {
  server = await startServer({ config: { allowedOrigins: [LISTED] } });
  self = new URL(server.url).origin;
  alice = await signUp(server);
});
afterAll(() => server.stop());

const cookie = (user: TestUser) => `access_token=${user.token}; refresh_token=${user.refreshToken}`;

function post(body: BodyInit, headers: Record<string, string>) {
  return fetch(server.url, { method: "POST", headers: { accept: "application/json", ...headers }, body });
}

const json = (query: string) => JSON.stringify({ query });

/** A raw upgrade with these headers: the HTTP status it was refused with, or the first frame after connection_init. */
function upgrade(headers: Record<string, string>, connectionParams?: Record<string, string>) {
  return new Promise<{ status?: number; frame?: string }>((resolve, reject) => {
    const socket = new WebSocket(server.wsUrl, "graphql-transport-ws", { headers });
    socket.on("unexpected-response", (_request, response) => resolve({ status: response.statusCode }));
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: connectionParams })));
    socket.on("message", (data) => {
      resolve({ frame: (JSON.parse(String(data)) as { type: string }).type });
      socket.close();
    });
    socket.on("error", reject);
  });
}

describe("graphql-ws upgrade", () => {
  it("refuses a cookie-authenticated upgrade from a foreign origin with 403, before any frame", async () => {
    expect(await upgrade({ origin: FOREIGN, cookie: cookie(alice) })).toEqual({ status: 403 });
  });

  it("accepts the cookie from the server's own origin and from a listed one", async () => {
    expect(await upgrade({ origin: self, cookie: cookie(alice) })).toEqual({ frame: "connection_ack" });
    expect(await upgrade({ origin: LISTED, cookie: cookie(alice) })).toEqual({ frame: "connection_ack" });
  });

  it("accepts a foreign page that authenticates with connectionParams and sends no cookie", async () => {
    const params = { authorization: `Bearer ${alice.token}` };
    expect(await upgrade({ origin: FOREIGN }, params)).toEqual({ frame: "connection_ack" });
  });
});

describe("HTTP", () => {
  it("a foreign page cannot read the viewer with credentials: 403 and no CORS headers", async () => {
    const response = await post(json(ME), {
      "content-type": "application/json",
      origin: FOREIGN,
      cookie: cookie(alice),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await response.text()).not.toContain(alice.username);

    const preflight = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: FOREIGN, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a foreign page cannot get tokens from refreshSession; the refresh token stays usable", async () => {
    const refresh = json("mutation { refreshSession { accessToken } }");
    const foreign = await post(refresh, { "content-type": "application/json", origin: FOREIGN, cookie: cookie(alice) });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).not.toContain("accessToken");

    const own = await post(refresh, { "content-type": "application/json", origin: self, cookie: cookie(alice) });
    const body = (await own.json()) as { data: { refreshSession: { accessToken: string } } };
    expect(body.data.refreshSession.accessToken).toBeTruthy();
    alice = await signUp(server); // alice's refresh token is spent now
  });

  it("form-encoded and multipart mutations carrying only the cookie do not run", async () => {
    const mutation = `mutation { updateProfile(nickname: "pwned") { nickname } }`;
    const form = new URLSearchParams({ query: mutation });
    const multipart = new FormData();
    multipart.set("operations", JSON.stringify({ query: mutation }));
    multipart.set("map", "{}");
    const attempts = [
      await post(form, { origin: FOREIGN, cookie: cookie(alice) }),
      await post(multipart, { origin: FOREIGN, cookie: cookie(alice) }),
      // no Origin, but Fetch Metadata says another site sent it
      await post(form, { "sec-fetch-site": "cross-site", cookie: cookie(alice) }),
    ];
    for (const response of attempts) expect(response.status).toBe(403);

    const me = await post(json("{ me { nickname } }"), {
      "content-type": "application/json",
      origin: self,
      cookie: cookie(alice),
    });
    expect(((await me.json()) as { data: { me: { nickname: string } } }).data.me.nickname).not.toBe("pwned");
  });

  it("the server's own origin and a listed origin use the cookie; only a listed origin gets CORS headers", async () => {
    const own = await post(json(ME), { "content-type": "application/json", origin: self, cookie: cookie(alice) });
    expect(((await own.json()) as { data: { me: { email: string } } }).data.me.email).toContain(alice.username);

    const listed = await post(json(ME), { "content-type": "application/json", origin: LISTED, cookie: cookie(alice) });
    expect(listed.headers.get("access-control-allow-origin")).toBe(LISTED);
    expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(listed.headers.get("vary")).toContain("Origin");
    expect(((await listed.json()) as { data: { me: { email: string } } }).data.me.email).toContain(alice.username);
  });

  it("a same-origin page behind a TLS proxy passes: Origin https://host matches Host: host", async () => {
    const host = new URL(server.url).host;
    const response = await post(json(ME), {
      "content-type": "application/json",
      origin: `https://${host}`,
      cookie: cookie(alice),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(`https://${host}`);
  });

  it("Bearer clients are unaffected, whatever their Origin", async () => {
    const response = await post(json(ME), {
      "content-type": "application/json",
      origin: FOREIGN,
      authorization: `Bearer ${alice.token}`,
    });
    expect(((await response.json()) as { data: { me: { email: string } } }).data.me.email).toContain(alice.username);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the policy itself (what the legacy bridge reuses)", () => {
  const policy = createOriginPolicy(["https://game.example"]);
  const headers = (values: Record<string, string>) => new Headers(values);

  it("trusts the request's own host (default ports too), listed origins, and requests without Origin", () => {
    const cookie = { cookie: "access_token=x" };
    expect(policy.refusesUpgrade(headers({ ...cookie, origin: "https://chat.example", host: "chat.example" }))).toBe(
      false,
    );
    expect(
      policy.refusesUpgrade(headers({ ...cookie, origin: "https://chat.example", host: "chat.example:443" })),
    ).toBe(false);
    expect(policy.refusesUpgrade(headers({ ...cookie, origin: "https://game.example", host: "chat.example" }))).toBe(
      false,
    );
    expect(policy.refusesUpgrade(headers({ ...cookie, host: "chat.example" }))).toBe(false);
  });

  it("refuses another port, another scheme's default port, an opaque origin and cross-site Fetch Metadata", () => {
    const cookie = { cookie: "access_token=x", host: "chat.example" };
    for (const origin of [
      "https://chat.example:8443",
      "http://chat.example:443",
      "null",
      "https://game.example.evil",
    ]) {
      expect(policy.refusesUpgrade(headers({ ...cookie, origin }))).toBe(true);
    }
    expect(policy.refusesRequest("POST", headers({ ...cookie, "sec-fetch-site": "same-site" }))).toBe(true);
    // a link followed from another site may render GraphiQL; a preflight is answered without CORS headers
    expect(
      policy.refusesRequest("GET", headers({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" })),
    ).toBe(false);
    expect(policy.refusesRequest("OPTIONS", headers({ origin: "https://evil.example", host: "chat.example" }))).toBe(
      false,
    );
  });

  it("ALLOWED_ORIGINS takes origins only: `*` or a URL with a path is a configuration error", async () => {
    const env = { PARLEY_DATA_DIR: "memory://" };
    const config = await loadConfig({ ...env, ALLOWED_ORIGINS: "https://Game.example, http://localhost:5173/" });
    expect(config.allowedOrigins).toEqual(["https://game.example", "http://localhost:5173"]);
    await expect(loadConfig({ ...env, ALLOWED_ORIGINS: "*" })).rejects.toThrow(/not an origin/);
    await expect(loadConfig({ ...env, ALLOWED_ORIGINS: "https://game.example/app" })).rejects.toThrow(/not an origin/);
  });
});
