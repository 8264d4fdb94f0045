// The server restarted mid-conversation: the banner shows, the socket comes back, nothing is lost or doubled.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eRuns, gql, launchBrowser, newUser, type Parley, screenshot, startParley, type User } from "./harness.ts";

const OPEN_CHAT = `mutation E2eOpenChat($username: String!) { openChat(username: $username) { chat { id } } }`;

const ACCESS_TOKEN_TTL = 5;

describe.skipIf(!e2eRuns)("connection resilience", () => {
  let parley: Parley;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let chatId: string;
  beforeAll(async () => {
    // Access tokens of a few seconds: the sockets also close with 4403 (refresh, reconnect) during the test.
    const env = { ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL) };
    [parley, browser] = await Promise.all([startParley(env), launchBrowser()]);
    [alice, bob] = await Promise.all([newUser(browser, parley, "alice"), newUser(browser, parley, "bob")]);
    const opened = await gql<{ openChat: { chat: { id: string } } }>(bob.page, OPEN_CHAT, { username: alice.username });
    chatId = opened.data?.openChat.chat.id ?? "";
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  const log = (page: Page) => page.getByRole("log", { name: "Messages" });
  const banner = (page: Page) => page.getByRole("status", { name: "Connection" });
  /** How many times `text` is a message's whole text in the conversation (pending or confirmed). */
  const count = (page: Page, text: string) => log(page).getByText(text, { exact: true }).count();
  const once = (page: Page, text: string) => expect.poll(() => count(page, text), { timeout: 15_000 }).toBe(1);
  /** Types and sends through the composer. */
  async function say(user: User, text: string) {
    const box = user.page.getByRole("textbox", { name: "Message" });
    await box.fill(text);
    await user.page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => box.inputValue()).toBe("");
  }

  it("the server restarts mid-conversation: banner, reconnect, every message exactly once", async () => {
    await Promise.all([alice.page.goto(`/chats/${chatId}`), bob.page.goto(`/chats/${chatId}`)]);
    await say(alice, "hello bob");
    await once(bob.page, "hello bob");
    await say(bob, "hi alice");
    await once(alice.page, "hi alice");
    expect(await banner(alice.page).textContent()).toBe("");

    // Alice also loses her network during the restart, so she is still reconnecting while Bob writes
    const restarting = parley.restart({ downMs: 500 });
    await expect.poll(() => banner(alice.page).textContent(), { timeout: 10_000 }).toMatch(/Reconnecting/);
    await alice.context.setOffline(true);
    await screenshot(alice.page, "connection-lost");
    await restarting;
    const meanwhile = ["while you were away 1", "while you were away 2", "while you were away 3"];
    for (const text of meanwhile) await say(bob, text);
    for (const text of meanwhile) await once(bob.page, text);
    expect(await count(alice.page, meanwhile[0] ?? "")).toBe(0);
    expect(await banner(alice.page).textContent()).toMatch(/Reconnecting/);

    await alice.context.setOffline(false);
    await expect.poll(() => banner(alice.page).textContent(), { timeout: 15_000 }).toMatch(/Back online/);
    for (const text of meanwhile) await once(alice.page, text);
    // live again both ways, and nothing from before the restart doubled by the catch-up
    await say(alice, "back again");
    await once(bob.page, "back again");
    await say(bob, "welcome back");
    await once(alice.page, "welcome back");
    // once both have settled (Bob's socket may come back later than his sends: jittered retries)
    for (const page of [alice.page, bob.page]) {
      await expect.poll(() => banner(page).textContent(), { timeout: 20_000 }).toBe("");
    }
    for (const page of [alice.page, bob.page]) {
      for (const text of ["hello bob", "hi alice", ...meanwhile, "back again", "welcome back"]) {
        expect(await count(page, text), `${text} on ${page === alice.page ? "Alice's" : "Bob's"} screen`).toBe(1);
      }
    }
  });

  it("the socket outlives its access token: closed with 4403, refreshed, reconnected, live again", async () => {
    const closes: string[] = [];
    alice.page.on("websocket", (socket) => socket.on("close", () => closes.push(socket.url())));
    await alice.page.goto(`/chats/${chatId}`);
    await once(alice.page, "welcome back");
    await alice.page.waitForTimeout((ACCESS_TOKEN_TTL + 2) * 1000);
    expect(closes.length, "the server closed the socket of the expired token").toBeGreaterThan(0);
    await say(bob, "still there?");
    await once(alice.page, "still there?");
    expect(alice.page.url()).toContain(`/chats/${chatId}`);
    expect(await banner(alice.page).textContent()).not.toMatch(/Reconnecting/);
  });
});
