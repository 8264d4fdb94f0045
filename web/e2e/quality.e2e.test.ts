// Accessibility (axe-core, WCAG 2 A/AA) and screenshots of the main screens, at desktop and phone widths.
// Prints every violation found (for the closing note); fails on serious or critical ones.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AxeViolation,
  axeCheck,
  DESKTOP,
  describeViolations,
  e2eRuns,
  gql,
  launchBrowser,
  newUser,
  type Parley,
  PHONE,
  screenshot,
  severe,
  startParley,
  type User,
} from "./harness.ts";

const OPEN_CHAT = `mutation E2eOpenChat($username: String!) { openChat(username: $username) { chat { id } } }`;
const SEND = `mutation E2eSend($chatId: ID!, $content: String!) { sendMessage(chatId: $chatId, content: $content) { id } }`;
const ADD_FRIEND = `mutation E2eAddFriend($username: String!) { addFriend(username: $username) { id } }`;

describe.skipIf(!e2eRuns)("quality: accessibility and screenshots of the main screens", () => {
  let parley: Parley;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let chatId: string;
  const found: { screen: string; violations: AxeViolation[] }[] = [];

  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
    [alice, bob] = await Promise.all([newUser(browser, parley, "alice"), newUser(browser, parley, "bob")]);
    const opened = await gql<{ openChat: { chat: { id: string } } }>(bob.page, OPEN_CHAT, { username: alice.username });
    chatId = opened.data?.openChat.chat.id ?? "";
    for (const content of ["Hi Alice! Ready for a game tonight?", "I'll bring the snacks."]) {
      await gql(bob.page, SEND, { chatId, content });
    }
    await gql(alice.page, SEND, { chatId, content: "Sure, 8 pm works for me." });
    await gql(bob.page, ADD_FRIEND, { username: alice.username });
  });
  afterAll(async () => {
    console.log(found.map(({ screen, violations }) => describeViolations(screen, violations)).join("\n"));
    await browser?.close();
    await parley?.stop();
  });

  /** Screenshots at both sizes, axe at both sizes; records what axe found and fails on serious/critical. */
  async function check(page: Page, screen: string) {
    await page.waitForTimeout(300); // fonts, images and transitions settle (live pages never go network-idle)
    await screenshot(page, screen);
    const before = page.viewportSize() ?? DESKTOP;
    for (const [width, size] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      await page.setViewportSize(size);
      const violations = await axeCheck(page);
      found.push({ screen: `${screen} (${width})`, violations });
      expect(severe(violations), `${screen} at ${width} width:\n${describeViolations(screen, violations)}`).toEqual([]);
    }
    await page.setViewportSize(before);
  }

  it("log in and sign up (signed out)", async () => {
    const context = await browser.newContext({ baseURL: parley.url, viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await check(page, "login");
    // the API's messages next to the fields
    await page.getByRole("button", { name: "Log in" }).click();
    await page
      .getByLabel(/^user ?name|e-?mail/i)
      .first()
      .fill("nobody");
    await page
      .getByLabel(/^password/i)
      .first()
      .fill("wrong-password-1");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForTimeout(500);
    await check(page, "login-error");
    await page.goto("/signup");
    await page.getByRole("button", { name: "Sign up" }).waitFor();
    await check(page, "signup");
    await context.close();
  });

  it("the conversations list", async () => {
    await alice.page.goto("/chats");
    await alice.page.getByRole("link", { name: new RegExp(bob.username) }).waitFor();
    await check(alice.page, "chats");
  });

  it("a conversation", async () => {
    await alice.page.goto(`/chats/${chatId}`);
    await alice.page.getByRole("log", { name: "Messages" }).getByText("Sure, 8 pm works for me.").waitFor();
    await check(alice.page, "conversation");
  });

  it("a conversation in the dark theme", async () => {
    await alice.page.emulateMedia({ colorScheme: "dark" });
    await alice.page.goto(`/chats/${chatId}`);
    await alice.page.getByRole("log", { name: "Messages" }).getByText("Sure, 8 pm works for me.").waitFor();
    await check(alice.page, "conversation-dark");
    await alice.page.emulateMedia({ colorScheme: "light" });
  });

  it("a profile", async () => {
    await alice.page.goto(`/u/${bob.username}`);
    await alice.page
      .getByRole("heading", { name: new RegExp(bob.username) })
      .first()
      .waitFor();
    await check(alice.page, "profile");
  });

  it("notifications", async () => {
    await alice.page.goto("/notifications");
    await alice.page.getByRole("main").getByText(new RegExp(bob.username)).first().waitFor();
    await check(alice.page, "notifications");
  });
});
