// A group of three, live: A creates it with B and C (the New group dialog), renames it and B and C see the new
// title in their open conversation and their lists; A makes B an admin; B removes C, whose list loses the group and who can no longer post.
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

/** The conversation page of a chat. */
const conversationUrl = (chatId: string) => `/chats/${chatId}`;

/** The conversation header's title. */
const heading = (page: Page, title: string) => page.getByRole("heading", { name: title, exact: true });
const listRow = (page: Page, title: string) =>
  page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: new RegExp(title) });

async function openSettings(page: Page, chatId: string) {
  if (!page.url().endsWith(conversationUrl(chatId))) await page.goto(conversationUrl(chatId));
  await page.getByRole("button", { name: "Group settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Group settings" });
  await dialog.getByRole("list", { name: "Members" }).waitFor();
  return dialog;
}

describe.skipIf(!e2eRuns)("a group of three", () => {
  let parley: Parley;
  let browser: Browser;
  let a: User;
  let b: User;
  let c: User;
  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
    [a, b, c] = await Promise.all([
      newUser(browser, parley, "ann"),
      newUser(browser, parley, "bob"),
      newUser(browser, parley, "cat"),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("rename, roles and removal, live for everyone; the removed member can no longer post", async () => {
    // A creates the group from the New group dialog
    await a.page.goto("/chats");
    await a.page.getByRole("button", { name: "New group" }).click();
    const create = a.page.getByRole("dialog", { name: /new group/i });
    await create.getByLabel("Group title").fill("Crew");
    for (const member of [b, c]) {
      await create.getByRole("combobox", { name: "Add members" }).fill(member.username);
      await create.getByRole("option", { name: new RegExp(member.username) }).click();
    }
    await create.getByRole("button", { name: "Create group" }).click();
    await a.page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
    const chatId = a.page.url().split("/").at(-1) ?? "";

    // B and C have the conversation open
    await Promise.all([b.page.goto(conversationUrl(chatId)), c.page.goto(conversationUrl(chatId))]);
    await heading(b.page, "Crew").waitFor();
    await heading(c.page, "Crew").waitFor();

    // A renames it: B and C see the new title live
    let settings = await openSettings(a.page, chatId);
    await settings.getByLabel("Group name").fill("Night crew");
    await settings.getByRole("button", { name: "Rename" }).click();
    for (const member of [b, c]) {
      await heading(member.page, "Night crew").waitFor();
      await listRow(member.page, "Night crew").waitFor(); // the conversation list beside it too
    }

    // A (owner) makes B an admin
    await settings.getByRole("button", { name: `Make admin ${b.username}` }).click();
    await settings.getByRole("button", { name: `Make member ${b.username}` }).waitFor();
    await screenshot(a.page, "group-settings");
    const violations = await axeCheck(a.page);
    console.log(describeViolations("group settings", violations));
    expect(severe(violations)).toEqual([]);
    await settings.getByRole("button", { name: "Close" }).click();

    // B (admin now) sees the controls an admin has, and none of the owner's
    settings = await openSettings(b.page, chatId);
    await expect.poll(() => settings.getByRole("button", { name: `Remove ${c.username}` }).count()).toBe(1);
    expect(await settings.getByRole("button", { name: `Remove ${a.username}` }).count()).toBe(0);
    expect(await settings.getByRole("button", { name: /^Make (admin|member|owner) / }).count()).toBe(0);
    expect(await settings.getByRole("button", { name: "Delete group" }).count()).toBe(0);
    await settings.getByRole("button", { name: `Remove ${c.username}` }).click();
    await expect.poll(() => settings.getByRole("button", { name: `Remove ${c.username}` }).count()).toBe(0);

    // C, who had the conversation open, is told and sent back to the list, which no longer has the group
    await c.page.getByText("This group is no longer available to you.").waitFor({ timeout: 10_000 });
    await c.page.waitForURL((url) => url.pathname === "/chats");
    await expect.poll(() => listRow(c.page, "Night crew").count()).toBe(0);
    // … and cannot post there: the page has no composer, and the API refuses a message
    await c.page.goto(conversationUrl(chatId));
    await c.page.getByText("This conversation is not available.").waitFor();
    expect(await c.page.getByRole("textbox", { name: "Message" }).count()).toBe(0);
    const refused = await gql(
      c.page,
      'mutation E2eSend($chatId: ID!) { sendMessage(chatId: $chatId, content: "still here?") { id } }',
      { chatId },
      { allowErrors: true },
    );
    expect(refused.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    // B sees C gone from the members, and the SYSTEM message in the history
    expect(await settings.getByText(`@${c.username}`).count()).toBe(0);
  });
});
