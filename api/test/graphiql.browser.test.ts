// GraphiQL at /graphql, in real Chromium: it renders offline and runs a subscription over WebSocket.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserRuns, launchChromium } from "./browser.ts";
import { gql, openChat, SEND, signUp, startServer, type TestServer } from "./harness.ts";

describe.runIf(browserRuns)("GraphiQL explorer", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs chatEvents over WebSocket, authenticated by the session cookie", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    const chatId = await openChat(server, alice, bob.username);
    const context = await browser.newContext();
    const origin = new URL(server.url).origin;
    await context.addCookies([{ name: "access_token", value: bob.token, url: origin, httpOnly: true }]);
    const page = await context.newPage();
    const subscription = "subscription { chatEvents { __typename ... on MessageSentEvent { message { content } } } }";
    await page.goto(`${server.url}?query=${encodeURIComponent(subscription)}`);
    await page.getByRole("button", { name: /Execute query/ }).click();
    // the result pane renders spaces as non-breaking spaces
    const response = async () => (await page.locator(".graphiql-response").textContent())?.replace(/\s+/g, " ");
    await expect.poll(response, { timeout: 15_000 }).toContain("StreamReadyEvent");

    expect((await gql(server, SEND, { c: chatId, t: "hello from alice" }, alice)).errors).toBeUndefined();
    await expect.poll(response, { timeout: 15_000 }).toContain("hello from alice");
    await context.close();
  });
});
