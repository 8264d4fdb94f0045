// The narrowest supported phone, 360×740: the shell, the conversation list and a conversation fit the width
// (nothing scrolls sideways, no control is cut off), also with long names and an unbroken long message.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  e2eRuns,
  gql,
  launchBrowser,
  newUser,
  type Parley,
  SCREENSHOT_DIR,
  startParley,
  type User,
} from "./harness.ts";

const NARROW = { width: 360, height: 740 } as const;
const LIVE = { timeout: 10_000 };

/**
 * What does not fit, described: the page scrolling sideways, a box scrolling sideways inside it, or an element
 * past the viewport's right edge (outside boxes that clip on purpose, like a preview's ellipsis).
 */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    const describe = (node: Element) =>
      `${node.tagName.toLowerCase()} "${(node.getAttribute("aria-label") ?? node.textContent ?? "").trim().slice(0, 40)}"`;
    if (document.documentElement.scrollWidth > width) {
      found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const node of document.querySelectorAll("body *")) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowX) && node.scrollWidth > node.clientWidth + 1) {
        found.push(`${describe(node)} scrolls sideways: ${node.scrollWidth} > ${node.clientWidth}`);
      }
      const box = node.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
      let clipped = false;
      for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
        if (/(hidden|clip)/.test(getComputedStyle(up).overflowX)) clipped = true;
      }
      if (!clipped) found.push(`${describe(node)} ends at ${Math.round(box.right)}`);
    }
    return found.slice(0, 15);
  });
}

describe.skipIf(!e2eRuns)("360 px wide", () => {
  let parley: Parley;
  let browser: Browser;
  let ana: User;
  let bob: User;
  let chatId = "";

  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
    ana = await newUser(browser, parley, "anastasia_longname");
    bob = await newUser(browser, parley, "bartholomew_long");
    const opened = await gql<{ openChat: { chat: { id: string } } }>(
      ana.page,
      "mutation E2eOpen($username: String!) { openChat(username: $username) { chat { id } } }",
      { username: bob.username },
    );
    chatId = opened.data?.openChat.chat.id ?? "";
    for (const content of ["hello there, this is a normal sentence that wraps", "x".repeat(120)]) {
      await gql(
        ana.page,
        "mutation E2eSend($chatId: ID!, $content: String!) { sendMessage(chatId: $chatId, content: $content) { id } }",
        {
          chatId,
          content,
        },
      );
    }
    await bob.page.setViewportSize(NARROW);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("the conversation list fits", async () => {
    await bob.page.goto("/chats");
    await bob.page
      .getByRole("link", { name: new RegExp(ana.username) })
      .first()
      .waitFor(LIVE);
    expect(await overflow(bob.page)).toEqual([]);
    // the check sees what sticks out
    await bob.page.evaluate(() => {
      const wide = document.createElement("div");
      wide.id = "e2e-wide";
      wide.style.width = "400px";
      wide.textContent = "wide";
      document.querySelector("main")?.append(wide);
    });
    expect((await overflow(bob.page)).length).toBeGreaterThan(0);
    await bob.page.evaluate(() => document.getElementById("e2e-wide")?.remove());
  });

  it("a conversation fits, with an unbroken long message", async () => {
    await bob.page.goto(`/chats/${chatId}`);
    await bob.page.getByRole("log", { name: "Messages" }).getByText("x".repeat(120), { exact: true }).waitFor(LIVE);
    expect(await overflow(bob.page)).toEqual([]);
    expect(await bob.page.getByRole("button", { name: "Send" }).isVisible()).toBe(true);
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/conversation-360.png` });
  });

  it("a profile and the notifications fit", async () => {
    await bob.page.goto(`/u/${ana.username}`);
    await bob.page.getByRole("heading", { name: ana.username }).waitFor(LIVE);
    expect(await overflow(bob.page)).toEqual([]);
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/profile-360.png` });
    await bob.page.goto("/notifications");
    await bob.page.getByRole("navigation", { name: "Main" }).waitFor(LIVE);
    expect(await overflow(bob.page)).toEqual([]);
  });
});
