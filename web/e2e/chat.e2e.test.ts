// A conversation between two people in two browser contexts, against a real Parley: optimistic sends, live both
// ways, retries without duplicates, reactions, edit and delete, receipts, typing, the unread divider, and a long
// history scrolled back with infinite loading.
import type { Browser, Locator, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeCheck,
  describeViolations,
  e2eRuns,
  gql,
  launchBrowser,
  newUser,
  type Parley,
  screenshot,
  severe,
  startParley,
  type User,
} from "./harness.ts";

const log = (page: Page) => page.getByRole("log", { name: "Messages" });
const composer = (page: Page) => page.getByLabel("Message", { exact: true });
/** A message row by its exact text (the virtual list renders what is near the viewport). */
const row = (page: Page, text: string) => log(page).getByRole("article").filter({ hasText: text });

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

const isOperation = (route: Route, name: string) =>
  (route.request().postData() ?? "").includes(`"operationName":"${name}"`);
/** The next request of the named operation waits `ms` first (once). */
async function delayOnce(page: Page, name: string, ms: number) {
  let done = false;
  await page.route("**/graphql", async (route) => {
    if (!done && isOperation(route, name)) {
      done = true;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    await route.fallback();
  });
}

/** Navigates and waits until the page's chatEvents stream is live (its StreamReadyEvent arrived). */
async function gotoLive(page: Page, url: string) {
  const live = new Promise<void>((resolve) => {
    page.on("websocket", (socket) =>
      socket.on("framereceived", (frame) => {
        const text = String(frame.payload);
        if (text.includes('"chatEvents"') && text.includes("StreamReadyEvent")) resolve();
      }),
    );
  });
  await page.goto(url);
  await live;
}

async function visible(locator: Locator, timeout = 10_000) {
  await locator.first().waitFor({ state: "visible", timeout });
}

describe.skipIf(!e2eRuns)("chat", () => {
  let parley: Parley;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let chatId: string;

  beforeAll(async () => {
    [parley, browser] = await Promise.all([
      startParley({ RATE_LIMIT_MESSAGES_BURST: "2000", RATE_LIMIT_MESSAGES_PER_SECOND: "1000" }),
      launchBrowser(),
    ]);
    [alice, bob] = await Promise.all([
      newUser(browser, parley, "alice", { via: "api" }),
      newUser(browser, parley, "bob", { via: "api" }),
    ]);
    const opened = await gql<{ openChat: { chat: { id: string } } }>(
      alice.page,
      "mutation($u: String!) { openChat(username: $u) { chat { id } } }",
      { u: bob.username },
    );
    chatId = opened.data?.openChat.chat.id ?? "";
    await Promise.all([gotoLive(alice.page, `/chats/${chatId}`), gotoLive(bob.page, `/chats/${chatId}`)]);
    await Promise.all([visible(composer(alice.page)), visible(composer(bob.page))]);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("A's message shows as pending at once, then confirmed; B sees it live; B answers and A sees it", async () => {
    await delayOnce(alice.page, "SendMessage", 1_200);
    await send(alice.page, "Hello Bob");
    await visible(row(alice.page, "Hello Bob").getByText("Sending…"), 1_000);
    await visible(row(bob.page, "Hello Bob"));
    await visible(row(alice.page, "Hello Bob").getByText(/^(Sent|Delivered|Read)$/));
    expect(await row(alice.page, "Hello Bob").count()).toBe(1);
    expect(await row(bob.page, "Hello Bob").count()).toBe(1);

    await send(bob.page, "Hi Alice");
    await visible(row(alice.page, "Hi Alice"));
    expect(await row(alice.page, "Hi Alice").count()).toBe(1);
  });

  it("a failed send shows Retry; retrying (same clientMessageId) never makes two messages", async () => {
    // the request never reaches the server: failed, then Retry delivers it once
    let refuse = true;
    await alice.page.route("**/graphql", async (route) => {
      if (refuse && isOperation(route, "SendMessage")) {
        refuse = false;
        await route.abort("connectionfailed");
        return;
      }
      await route.fallback();
    });
    await send(alice.page, "Try again");
    const retry = alice.page.getByRole("button", { name: "Retry" });
    await visible(retry);
    await retry.click();
    await visible(row(bob.page, "Try again"));
    await visible(row(alice.page, "Try again").getByText(/^(Sent|Delivered|Read)$/));

    // the server stores it but the answer is lost: the echo confirms it, a retry returns the same message
    let lose = true;
    let body = "";
    await alice.page.route("**/graphql", async (route) => {
      if (lose && isOperation(route, "SendMessage")) {
        lose = false;
        body = route.request().postData() ?? "";
        await route.fetch();
        await route.abort("connectionfailed");
        return;
      }
      await route.fallback();
    });
    await send(alice.page, "Only once");
    await visible(row(bob.page, "Only once"));
    await visible(row(alice.page, "Only once"));
    // the same request again (what Retry sends): the API answers with the stored message, no second event
    const again = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    const repeat = await gql<{ sendMessage: { id: string } }>(alice.page, again.query, again.variables);
    expect(repeat.data?.sendMessage.id).toBeTruthy();
    await alice.page.waitForTimeout(500);
    expect(await row(alice.page, "Only once").count()).toBe(1);
    expect(await row(bob.page, "Only once").count()).toBe(1);
    expect(await alice.page.getByRole("button", { name: "Retry" }).count()).toBe(0);
  });

  it("reactions on both sides, with who reacted", async () => {
    const target = row(alice.page, "Hi Alice");
    await target.hover();
    await target.getByRole("button", { name: "Add reaction" }).click();
    await target.getByRole("button", { name: "React with 👍" }).click();
    await visible(row(bob.page, "Hi Alice").getByRole("button", { name: "👍 1" }));
    await row(bob.page, "Hi Alice").getByRole("button", { name: "👍 1" }).click();
    await visible(row(alice.page, "Hi Alice").getByRole("button", { name: "👍 2, including you" }));
    await visible(row(bob.page, "Hi Alice").getByRole("button", { name: "👍 2, including you" }));
    // who reacted, on hover
    await row(bob.page, "Hi Alice").getByRole("button", { name: "👍 2, including you" }).hover();
    const tip = row(bob.page, "Hi Alice").getByRole("tooltip");
    await visible(tip);
    expect(await tip.textContent()).toContain(alice.username);
  });

  it("edit and delete, live on the other side", async () => {
    const mine = row(alice.page, "Hello Bob");
    await mine.hover();
    await mine.getByRole("button", { name: "Edit message" }).click();
    const box = alice.page.getByRole("textbox", { name: "Edit message" });
    await box.fill("Hello Bob, edited");
    await box.press("Enter");
    await visible(row(bob.page, "Hello Bob, edited").getByText("edited", { exact: true }));

    const gone = row(alice.page, "Try again");
    await gone.hover();
    await gone.getByRole("button", { name: "Delete message" }).click();
    await alice.page.getByRole("dialog", { name: "Delete message?" }).getByRole("button", { name: "Delete" }).click();
    await visible(log(bob.page).getByText("Message deleted"));
    expect(await row(bob.page, "Try again").count()).toBe(0);
  });

  it("receipts go sent → delivered → read, and the typing line shows on the other side", async () => {
    await gotoLive(bob.page, "/chats");
    await delayOnce(bob.page, "MarkDelivered", 1_500);
    await send(alice.page, "Did you get this?");
    const status = row(alice.page, "Did you get this?").getByText(/^(Sent|Delivered|Read)$/);
    await visible(status);
    expect(await status.textContent()).toBe("Sent");
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("Delivered");
    await bob.page.goto(`/chats/${chatId}`);
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("Read");

    await composer(bob.page).fill("I am typing");
    await visible(alice.page.getByText(/is typing…$/));
    await composer(bob.page).fill("");
  });

  it("returning to a conversation shows the unread divider where B's unread began", async () => {
    await gotoLive(bob.page, "/chats");
    for (const text of ["Unread one", "Unread two", "Unread three"]) await send(alice.page, text);
    await visible(row(alice.page, "Unread three").getByText(/^(Sent|Delivered)$/));
    await bob.page.goto(`/chats/${chatId}`);
    const divider = log(bob.page).getByRole("separator", { name: "New messages" });
    await visible(divider);
    // the divider comes right before the first unread message
    const order = await log(bob.page).evaluate((node) => {
      const text = node.textContent ?? "";
      return [text.indexOf("New messages"), text.indexOf("Unread one"), text.indexOf("Did you get this?")];
    });
    expect(order[0]).toBeGreaterThan(order[2] ?? 0);
    expect(order[0]).toBeLessThan(order[1] ?? 0);
    await screenshot(bob.page, "conversation");
    const violations = await axeCheck(bob.page);
    console.log(describeViolations("conversation", violations));
    expect(severe(violations)).toEqual([]);
  });

  it("a long history scrolls back with infinite loading and keeps its place", async () => {
    const HISTORY = 300;
    const t0 = Date.now();
    await alice.page.evaluate(
      async ({ chatId, count }) => {
        const query = "mutation($c: ID!, $t: String!) { sendMessage(chatId: $c, content: $t) { id } }";
        for (let start = 1; start <= count; start += 50) {
          const batch = [];
          for (let i = start; i < start + 50 && i <= count; i++) {
            batch.push(
              fetch("/graphql", {
                method: "POST",
                credentials: "same-origin",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ query, variables: { c: chatId, t: `History ${String(i).padStart(3, "0")}` } }),
              }),
            );
          }
          await Promise.all(batch);
        }
      },
      { chatId, count: HISTORY },
    );
    console.log(`seeded ${HISTORY} messages in ${Date.now() - t0} ms`);
    await bob.page.goto(`/chats/${chatId}`);
    await visible(row(bob.page, "History 300"));
    const scroller = log(bob.page).locator("[tabindex='0']").first();
    // scroll to the top repeatedly: older pages load, the message that was at the top stays in view
    let loads = 0;
    for (let i = 0; i < 40 && (await row(bob.page, "History 001").count()) === 0; i++) {
      const topText = await scroller.evaluate(async (node) => {
        node.scrollTop = 0;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const box = node.getBoundingClientRect();
        const articles = [...node.querySelectorAll("article")];
        const first = articles.find((a) => a.getBoundingClientRect().bottom > box.top + 4);
        return first?.querySelector("p")?.textContent?.trim() ?? "";
      });
      await bob.page.waitForTimeout(250);
      await log(bob.page)
        .getByText("Loading older messages…")
        .waitFor({ state: "detached", timeout: 5_000 })
        .catch(() => {});
      loads++;
      if (!topText.startsWith("History")) continue;
      const inView = await scroller.evaluate((node, text) => {
        const box = node.getBoundingClientRect();
        const article = [...node.querySelectorAll("article")].find((a) => a.textContent?.includes(text));
        if (!article) return false;
        const r = article.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      }, topText);
      expect(inView, `"${topText}" stays in view after older messages load`).toBe(true);
    }
    await visible(row(bob.page, "History 001"));
    await visible(log(bob.page).getByText("This is the beginning of the conversation."));
    expect(loads).toBeGreaterThan(2);
  }, 60_000);

  it("r focuses the composer; blocking shows the state and turns the composer off, both ways", async () => {
    await alice.page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    });
    await alice.page.keyboard.press("r");
    await expect.poll(() => composer(alice.page).evaluate((node) => node === document.activeElement)).toBe(true);

    await alice.page.getByRole("button", { name: `Block ${bob.username}` }).click();
    await visible(alice.page.getByText(`You blocked ${bob.username}. Unblock them to send messages.`));
    expect(await composer(alice.page).isDisabled()).toBe(true);
    // hasBlockedMe comes with the next load (no event tells the blocked side)
    await gotoLive(bob.page, `/chats/${chatId}`);
    await visible(bob.page.getByText(`${alice.username} has blocked you.`, { exact: false }));
    expect(await composer(bob.page).isDisabled()).toBe(true);
    await alice.page.getByRole("button", { name: `Unblock ${bob.username}` }).click();
    await expect.poll(() => composer(alice.page).isDisabled()).toBe(false);
  });
});
