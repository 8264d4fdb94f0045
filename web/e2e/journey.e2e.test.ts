// The "done when", through the UI only: two people who have never seen Parley sign up at /signup, one
// finds the other by search, they chat both ways, react, share an image, form a group with a third, and duel
// (invite → accept → both on the same game). Each person in a separate browser context; no API shortcuts.
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  axeCheck,
  describeViolations,
  e2eRuns,
  launchBrowser,
  newUser,
  type Parley,
  screenshot,
  severe,
  startParley,
  type User,
} from "./harness.ts";

const LIVE = { timeout: 10_000 };

const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const messages = (page: Page) => page.getByRole("log", { name: "Messages" });
/** The message row (an article named after its sender and time) holding `text`. */
const message = (page: Page, text: string) => messages(page).getByRole("article").filter({ hasText: text });

/** The API's refusals of documents over a limit (cost, depth, aliases, tokens) that a page's requests got. */
const refusals: string[] = [];
function watchRefusals(user: User): void {
  user.page.on("response", (response) => {
    if (!response.url().endsWith("/graphql")) return;
    void response
      .json()
      .then((body: { errors?: { message: string; extensions?: { limit?: string } }[] }) => {
        for (const error of body.errors ?? []) {
          if (!error.extensions?.limit) continue;
          const operation = /"operationName":"(\w+)"/.exec(response.request().postData() ?? "")?.[1] ?? "?";
          refusals.push(`${user.username}: ${operation} refused: ${error.message}`);
        }
      })
      .catch(() => undefined);
  });
}

/** Types part of a username into a people search and picks the person with the keyboard. */
async function pickPerson(page: Page, label: string, username: string): Promise<void> {
  const search = page.getByRole("combobox", { name: label });
  await search.fill(username.slice(0, -1));
  const option = page.getByRole("option", { name: new RegExp(username) });
  await option.waitFor(LIVE);
  for (let i = 0; i < 8 && (await option.getAttribute("aria-selected")) !== "true"; i++)
    await search.press("ArrowDown");
  await search.press("Enter");
}

/** Writes in the open conversation's composer and sends with Enter. */
async function write(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(text);
  await box.press("Enter");
}

/** A small PNG made here: a 64×48 gradient-ish block of colour. */
async function makePng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .composite([
      {
        input: { create: { width: 32, height: 24, channels: 3, background: { r: 250, g: 200, b: 40 } } },
        top: 12,
        left: 16,
      },
    ])
    .png()
    .toBuffer();
}

describe.skipIf(!e2eRuns)("journey: two newcomers chat, react, share an image, form a group and duel", () => {
  let parley: Parley;
  let browser: Browser;
  let ana: User;
  let bob: User;
  let cyd: User;
  let directChat = "";
  const axeNotes: string[] = [];

  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
  });
  // a document the API refuses for its size breaks the page using it: say so, not only "timeout"
  afterEach(() => {
    const seen = [...new Set(refusals.splice(0))];
    expect(seen, "the API refused documents of the app").toEqual([]);
  });
  afterAll(async () => {
    if (axeNotes.length) console.log(axeNotes.join("\n"));
    await browser?.close();
    await parley?.stop();
  });

  it("both sign up through /signup and land in the app", async () => {
    // the harness fills /signup's Username, Email and Password and presses Sign up (via "ui": no API fallback)
    [ana, bob] = await Promise.all([
      newUser(browser, parley, "ana", { via: "ui" }),
      newUser(browser, parley, "bob", { via: "ui" }),
    ]);
    for (const user of [ana, bob]) {
      watchRefusals(user);
      await user.page.getByRole("heading", { name: "Chats" }).waitFor(LIVE);
      expect(new URL(user.page.url()).pathname).toBe("/chats");
    }
  });

  it("a mistyped address shows the error page inside the shell, with the way back to Chats", async () => {
    await ana.page.goto("/no-such-page");
    const heading = ana.page.getByRole("heading", { name: "Page not found", level: 1 });
    await heading.waitFor(LIVE);
    await ana.page.getByText("Error 404").waitFor(LIVE);
    // inside the shell: the header's navigation is there; the heading has focus for screen readers
    await ana.page.getByRole("link", { name: "Parley", exact: true }).waitFor(LIVE);
    expect(await heading.evaluate((node) => node === document.activeElement)).toBe(true);
    const violations = await axeCheck(ana.page);
    axeNotes.push(describeViolations("error page", violations));
    expect(severe(violations)).toEqual([]);
    await screenshot(ana.page, "error-404");
    await ana.page.getByRole("link", { name: "Back to Chats" }).click();
    await ana.page.waitForURL("**/chats", LIVE);
    await ana.page.getByRole("heading", { name: "Chats" }).waitFor(LIVE);
  });

  it("Ana finds Bob by search and they chat both ways, live", async () => {
    await pickPerson(ana.page, "Start a chat with", bob.username);
    await ana.page.waitForURL(/\/chats\/[^/]+$/, LIVE);
    directChat = new URL(ana.page.url()).pathname.split("/").pop() ?? "";
    await messages(ana.page).waitFor(LIVE);
    await write(ana.page, "Hi Bob! Ana here, first time on Parley.");
    await message(ana.page, "Ana here").waitFor(LIVE);

    // Bob's list shows the new conversation live; he opens it from there
    const row = conversations(bob.page).getByRole("link", { name: new RegExp(ana.username) });
    await row.waitFor(LIVE);
    await row.click();
    await bob.page.waitForURL(`**/chats/${directChat}`, LIVE);
    await message(bob.page, "Ana here").waitFor(LIVE);
    await write(bob.page, "Welcome, Ana! Bob here.");
    await message(bob.page, "Bob here").waitFor(LIVE);
    // Ana sees the answer without reloading
    await message(ana.page, "Bob here").waitFor(LIVE);
  });

  it("Bob reacts to Ana's message and Ana sees the reaction", async () => {
    const hers = message(bob.page, "Ana here");
    await hers.hover();
    await hers.getByRole("button", { name: "Add reaction" }).click();
    await hers.getByRole("button", { name: "React with 👍" }).click();
    await hers.getByRole("button", { name: "👍 1, including you" }).waitFor(LIVE);
    await message(ana.page, "Ana here").getByRole("button", { name: "👍 1", exact: true }).waitFor(LIVE);
  });

  it("Ana shares an image; Bob sees it", async () => {
    const png = await makePng();
    const chooser = ana.page.waitForEvent("filechooser", LIVE);
    await ana.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles({ name: "sunset.png", mimeType: "image/png", buffer: png });
    await ana.page.getByRole("list", { name: "Attachments" }).getByText("Ready").waitFor({ timeout: 20_000 });
    await write(ana.page, "A picture for you");
    const image = (page: Page) =>
      message(page, "A picture for you").getByRole("button", { name: "Open image sunset.png" });
    await image(ana.page).waitFor(LIVE);
    await image(bob.page).waitFor(LIVE);
    // the thumbnail really loads (an <img> with a size) on Bob's side
    await expect
      .poll(
        () =>
          image(bob.page)
            .locator("img")
            .evaluate((img: HTMLImageElement) => img.naturalWidth),
        LIVE,
      )
      .toBeGreaterThan(0);
    await screenshot(bob.page, "journey-chat");
    const violations = await axeCheck(bob.page);
    axeNotes.push(describeViolations("journey conversation", violations));
    expect(severe(violations)).toEqual([]);
  });

  it("Ana forms a group with Bob and a third person; everyone talks in it", async () => {
    cyd = await newUser(browser, parley, "cyd", { via: "ui" });
    watchRefusals(cyd);
    await ana.page.goto("/chats");
    await ana.page.getByRole("button", { name: "New group" }).click();
    const dialog = ana.page.getByRole("dialog", { name: "New group" });
    await dialog.getByLabel("Group title").fill("Parley pioneers");
    await pickPerson(ana.page, "Add members", bob.username);
    await pickPerson(ana.page, "Add members", cyd.username);
    await dialog.getByRole("list", { name: "Members" }).getByRole("listitem").nth(1).waitFor(LIVE);
    await dialog.getByRole("button", { name: "Create group" }).click();
    await ana.page.waitForURL(/\/chats\/[^/]+$/, LIVE);
    const groupChat = new URL(ana.page.url()).pathname.split("/").pop() ?? "";
    expect(groupChat).not.toBe(directChat);
    await write(ana.page, "Welcome to the group, both of you");

    for (const user of [bob, cyd]) {
      if (user === bob) await bob.page.goto("/chats");
      const row = conversations(user.page).getByRole("link", { name: /Parley pioneers/ });
      await row.waitFor(LIVE);
      await row.click();
      await user.page.waitForURL(`**/chats/${groupChat}`, LIVE);
      await message(user.page, "Welcome to the group").waitFor(LIVE);
    }
    await write(cyd.page, "Hello from Cyd!");
    await message(ana.page, "Hello from Cyd!").waitFor(LIVE);
    await message(bob.page, "Hello from Cyd!").waitFor(LIVE);
  });

  it("Ana invites Bob to a duel from their chat, Bob accepts, both see the same game", async () => {
    await ana.page.goto(`/chats/${directChat}`);
    await ana.page.getByRole("button", { name: "Invite to a duel" }).click();
    const dialog = ana.page.getByRole("dialog", { name: `Invite ${bob.username} to a duel` });
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await ana.page.waitForURL(`**/duels/${bob.username}`, LIVE);
    await ana.page.getByText(`Waiting for ${bob.username} to answer…`).waitFor(LIVE);

    // Bob: the bell counts the invitation; its notification has Accept
    await bob.page.getByRole("link", { name: /^Notifications\s*,?\s*1 unread$/ }).click();
    await bob.page.waitForURL("**/notifications", LIVE);
    await bob.page.getByRole("button", { name: `Accept the duel from ${ana.username}` }).click();
    await bob.page.waitForURL(`**/duels/${ana.username}`, LIVE);

    const gameId = async (page: Page) => {
      const line = page.getByText(/^Game id:/);
      await line.waitFor(LIVE);
      return ((await line.textContent()) ?? "").replace("Game id:", "").trim();
    };
    const bobs = await gameId(bob.page);
    expect(bobs).toMatch(/^[0-9a-f-]{36}$/);
    expect(await gameId(ana.page)).toBe(bobs);
    await screenshot(ana.page, "journey-duel");
  });
});
