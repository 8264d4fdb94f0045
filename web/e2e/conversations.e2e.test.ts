// The conversation list end to end: a people search opens a direct chat, the other side's list shows it live with
// an unread badge that clears on read, presence dots flip, a group of three appears everywhere, a profile's friend
// and block buttons change state (and the list shows the block). Three users in three browser contexts.
import type { Browser, Page } from "playwright-core";
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

const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const row = (page: Page, name: string) => conversations(page).getByRole("link", { name: new RegExp(name) });
const LIVE = { timeout: 10_000 };

async function openList(user: User): Promise<void> {
  await user.page.goto("/chats");
  await user.page.getByRole("heading", { name: "Chats" }).waitFor(LIVE);
}

/** Types into a people search and picks `username` with the keyboard. */
async function pickPerson(page: Page, label: string, username: string): Promise<void> {
  const search = page.getByRole("combobox", { name: label });
  await search.fill(username.slice(0, -1));
  const option = page.getByRole("option", { name: new RegExp(username) });
  await option.waitFor(LIVE);
  // keyboard: move to the person, then Enter (the combobox keeps focus; aria-activedescendant follows)
  for (let i = 0; i < 8; i++) {
    if ((await option.getAttribute("aria-selected")) === "true") break;
    await search.press("ArrowDown");
  }
  expect(await option.getAttribute("aria-selected")).toBe("true");
  await search.press("Enter");
}

async function waitForText(page: Page, locator: ReturnType<Page["locator"]>, text: RegExp): Promise<void> {
  const handle = await locator.elementHandle(LIVE);
  if (!handle) throw new Error("no element");
  await page
    .waitForFunction(
      ({ element, source, flags }) => new RegExp(source, flags).test(element.textContent ?? ""),
      { element: handle, source: text.source, flags: text.flags },
      LIVE,
    )
    .catch(async (error: unknown) => {
      throw new Error(`${text} never showed; the text is: ${await handle.textContent()}`, { cause: error });
    });
}

describe.skipIf(!e2eRuns)("conversations", () => {
  let parley: Parley;
  let browser: Browser;
  let ana: User;
  let bob: User;
  let cyd: User;

  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
    ana = await newUser(browser, parley, "ana");
    bob = await newUser(browser, parley, "bob");
    cyd = await newUser(browser, parley, "cyd");
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("a search opens a chat; the other list shows it live, unread until read; a group of three; presence", async () => {
    await Promise.all([openList(ana), openList(bob), openList(cyd)]);

    // Ana finds Bob and opens a direct chat with him
    await pickPerson(ana.page, "Start a chat with", bob.username);
    await ana.page.waitForURL(/\/chats\/[^/]+$/, LIVE);
    const chatId = new URL(ana.page.url()).pathname.split("/").pop() ?? "";
    expect(chatId).not.toBe("");

    // Ana writes (through the API from her page: the same mutation the composer sends)
    await gql(
      ana.page,
      `mutation E2eSend($chatId: ID!) { sendMessage(chatId: $chatId, content: "hello Bob", clientMessageId: "e2e-1") { id } }`,
      { chatId },
    );
    // Bob's list shows the new conversation live, with the message and one unread
    const bobsRow = row(bob.page, ana.username);
    await waitForText(bob.page, bobsRow, /hello Bob/);
    await waitForText(bob.page, bobsRow, /1 unread/);
    // the nav's count of chats with unread messages follows
    const bobsNav = bob.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Chats/ });
    await waitForText(bob.page, bobsNav, /1 unread/);

    // Ana types: Bob's row says so, until her message arrives
    await gql(ana.page, "mutation E2eTyping($chatId: ID!) { setTyping(chatId: $chatId) }", { chatId });
    await waitForText(bob.page, bobsRow, /is typing…/);

    // a second message: still one row, two unread, first place
    await gql(
      ana.page,
      `mutation E2eSend($chatId: ID!) { sendMessage(chatId: $chatId, content: "are you there?", clientMessageId: "e2e-2") { id } }`,
      { chatId },
    );
    await waitForText(bob.page, bobsRow, /are you there\?/);
    await waitForText(bob.page, bobsRow, /2 unread/);
    expect(await bobsRow.textContent()).not.toContain("typing");
    expect(await bobsRow.count()).toBe(1);

    // Alt+↓ opens the next conversation with unread messages; the row is marked current, and reading it there
    // (the conversation pane marks it read) clears the badge
    await bobsRow.focus();
    await bob.page.keyboard.press("Alt+ArrowDown");
    await bob.page.waitForURL(new RegExp(`/chats/${chatId}$`), LIVE);
    expect(await bobsRow.getAttribute("aria-current")).toBe("page");
    // the read as the pane sends it (markChatRead); through the API too, so this checks the list whatever the
    // pane does: its ChatReadEvent reaches Bob's socket and the badge goes
    await gql(bob.page, "mutation E2eRead($chatId: ID!) { markChatRead(chatId: $chatId) { id } }", { chatId });
    await bob.page.waitForFunction(
      (id) => !document.querySelector(`a[data-conversation="${id}"]`)?.textContent?.includes("unread"),
      chatId,
      LIVE,
    );
    await bob.page.waitForFunction(
      () => !document.querySelector('nav[aria-label="Main"] a[href="/chats"]')?.textContent?.includes("unread"),
      undefined,
      LIVE,
    );

    // Ana's list shows Bob online
    const anasRow = row(ana.page, bob.username);
    await waitForText(ana.page, anasRow, /is online/);

    // Ana creates a group with Bob and Cyd: it appears in both their lists live
    await ana.page.getByRole("button", { name: "New group" }).click();
    const dialog = ana.page.getByRole("dialog", { name: "New group" });
    await dialog.getByRole("button", { name: "Create group" }).click();
    await dialog.getByRole("alert").first().waitFor(LIVE); // the API's refusal (no title / no members) is shown
    await dialog.getByLabel("Group title").fill("Trio");
    await pickPerson(ana.page, "Add members", bob.username);
    await pickPerson(ana.page, "Add members", cyd.username);
    await dialog.getByRole("list", { name: "Members" }).getByRole("listitem").nth(1).waitFor(LIVE);
    await dialog.getByRole("button", { name: "Create group" }).click();
    await ana.page.waitForURL((url) => /^\/chats\/[^/]+$/.test(url.pathname) && !url.pathname.includes(chatId), LIVE);
    for (const user of [bob, cyd]) {
      await waitForText(user.page, row(user.page, "Trio"), /created the group/);
    }
    // most recent first: the group above the direct chat in Bob's list
    const bobsTitles = await conversations(bob.page).getByRole("link").allTextContents();
    expect(bobsTitles[0]).toContain("Trio");
    expect(bobsTitles[1]).toContain(ana.username);

    // ↑/↓ move between the rows
    await conversations(bob.page).getByRole("link").first().focus();
    await bob.page.keyboard.press("ArrowDown");
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute("data-conversation"))).toBe(chatId);

    await screenshot(bob.page, "conversations-list");
    const violations = await axeCheck(bob.page);
    console.log(describeViolations("conversations list", violations));
    expect(severe(violations)).toEqual([]);

    // presence: Bob closes his page, Ana's dot for him turns offline
    await openList(ana);
    await waitForText(ana.page, row(ana.page, bob.username), /is online/);
    await bob.page.close();
    await waitForText(ana.page, row(ana.page, bob.username), /is offline/);
    bob.page = await bob.context.newPage();
  });

  it("a profile's friend and block buttons change state, and the list shows the block", async () => {
    await ana.page.goto(`/u/${bob.username}`);
    await ana.page.getByRole("heading", { name: bob.username }).waitFor(LIVE);
    const friend = ana.page.getByRole("button", { name: "Add friend" });
    await friend.click();
    await ana.page.getByRole("button", { name: "Unfriend" }).waitFor(LIVE);
    expect(await ana.page.getByRole("button", { name: "Unfriend" }).getAttribute("aria-pressed")).toBe("true");

    await ana.page.getByRole("button", { name: "Block" }).click();
    await ana.page.getByRole("button", { name: "Unblock" }).waitFor(LIVE);
    await ana.page.getByText(/You blocked/).waitFor(LIVE);
    // blocking unfriends: the friend button is back to "Add friend" (disabled while blocked)
    expect(await ana.page.getByRole("button", { name: "Add friend" }).isDisabled()).toBe(true);
    expect(await ana.page.getByRole("button", { name: "Message" }).isDisabled()).toBe(true);
    expect(await ana.page.getByRole("button", { name: "Invite to a duel" }).count()).toBe(0);

    // the list (client-side navigation, same cache) marks the direct chat blocked
    await ana.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /^Chats/ })
      .click();
    await waitForText(ana.page, row(ana.page, bob.username), /Blocked/);

    await ana.page.goto(`/u/${bob.username}`);
    await ana.page.getByRole("button", { name: "Unblock" }).click();
    await ana.page.getByRole("button", { name: "Block" }).waitFor(LIVE);
    await ana.page.getByRole("button", { name: "Message" }).and(ana.page.locator(":enabled")).waitFor(LIVE);
    await ana.page.getByRole("button", { name: "Invite to a duel" }).waitFor(LIVE);
    await screenshot(ana.page, "profile");
    // Message opens the conversation with him
    await ana.page.getByRole("button", { name: "Message" }).click();
    await ana.page.waitForURL(/\/chats\/[^/]+$/, LIVE);

    // my own profile: the nickname can be changed
    await ana.page.goto(`/u/${ana.username}`);
    await ana.page.getByLabel("Nickname").fill("Ana Banana");
    await ana.page.getByRole("button", { name: "Save" }).click();
    await ana.page.getByRole("heading", { name: "Ana Banana" }).waitFor(LIVE);
  });
});
