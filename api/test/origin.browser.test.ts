// In real Chromium: a page of another origin on the same site (the session cookie goes with its requests, SameSite
// or not) can neither open a socket with the cookie, nor read the viewer, nor run a form-encoded mutation.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserRuns, launchChromium } from "./browser.ts";
import { gql, signUp, startServer, type TestServer } from "./harness.ts";

describe.runIf(browserRuns)("a foreign page in the browser", () => {
  let server: TestServer;
  let foreign: Server;
  let foreignUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    foreign = createServer((_request, response) => response.end("<html><body>another origin</body></html>"));
    await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => foreign?.close(resolve));
    await server?.stop();
  });

  it("cannot use the session cookie over WebSocket, fetch or a form post", async () => {
    const alice = await signUp(server);
    const context = await browser.newContext();
    await context.addCookies([
      { name: "access_token", value: alice.token, url: new URL(server.url).origin, httpOnly: true },
    ]);
    const page = await context.newPage();
    await page.goto(foreignUrl);
    const outcome = await page.evaluate(
      async ({ url, wsUrl }) => {
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(wsUrl, "graphql-transport-ws");
          ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init" }));
          ws.onmessage = (event) => resolve(JSON.parse(event.data).type);
          ws.onclose = () => resolve("refused");
        });
        const read = await fetch(url, {
          method: "POST",
          credentials: "include",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ me { email } }" }),
        }).then(
          (response) => response.text(),
          () => "blocked",
        );
        const mutation = `mutation { updateProfile(nickname: "pwned") { nickname } }`;
        await fetch(url, {
          method: "POST",
          mode: "no-cors",
          credentials: "include",
          body: new URLSearchParams({ query: mutation }),
        });
        return { socket, read };
      },
      { url: server.url, wsUrl: server.wsUrl },
    );
    expect(outcome).toEqual({ socket: "refused", read: "blocked" });
    const me = await gql(server, "{ me { nickname } }", {}, alice);
    expect(me.data?.me.nickname).not.toBe("pwned");
    await context.close();
  });
});
