// Notifications, toasts, duels and tournaments, live between two users in two browser contexts.
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

const WAIT = { timeout: 10_000 };

/** A toast (the corner's polite status list) saying `text`. */
const toastOf = (page: Page, text: RegExp) => page.getByRole("status").getByText(text).first();

/** The header's link to /notifications, by its accessible name ("Notifications, 2 unread"). */
const bell = (page: Page, unread: number) =>
  page.getByRole("link", {
    name: unread > 0 ? new RegExp(`^Notifications\\s*,?\\s*${unread} unread$`) : /^Notifications$/,
  });

/**
 * Opens `path` and waits until the live feeds are subscribed: the notification feed's catch-up on its first
 * StreamReadyEvent (a network-only UnreadNotificationCount) has answered. An event published before that is
 * caught up by that refetch, but it shows no toast.
 */
async function openLive(page: Page, path: string) {
  const caughtUp = page.waitForResponse(
    (response) => response.request().postData()?.includes('"operationName":"UnreadNotificationCount"') ?? false,
    WAIT,
  );
  await page.goto(path);
  await caughtUp;
}

/** The game id the duel page shows. */
async function gameIdOn(page: Page): Promise<string> {
  const line = page.getByText(/^Game id:/);
  await line.waitFor(WAIT);
  return ((await line.textContent()) ?? "").replace("Game id:", "").trim();
}

/** `from` invites `to` from their profile or from the duel page, and lands on the duel page, waiting. */
async function invite(from: User, to: User, via: "profile" | "duel page" = "duel page") {
  await from.page.goto(via === "profile" ? `/u/${to.username}` : `/duels/${to.username}`);
  await from.page.getByRole("button", { name: "Invite to a duel" }).click();
  const dialog = from.page.getByRole("dialog", { name: `Invite ${to.username} to a duel` });
  await dialog.getByLabel(/Points to win/).fill("7");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await from.page.waitForURL(`**/duels/${to.username}`, WAIT);
  await from.page.getByText(`Waiting for ${to.username} to answer…`).waitFor(WAIT);
}

describe.skipIf(!e2eRuns)("live: notifications, duels, tournaments", () => {
  let parley: Parley;
  let browser: Browser;
  let alice: User;
  let bob: User;
  const axeNotes: string[] = [];

  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
    alice = await newUser(browser, parley, "alice");
    bob = await newUser(browser, parley, "bob");
  });
  afterAll(async () => {
    if (axeNotes.length) console.log(axeNotes.join("\n"));
    await browser?.close();
    await parley?.stop();
  });

  it("invite from the profile → toast and notification → accept inline → both on the duel page with the same game id", async () => {
    await openLive(bob.page, "/notifications");
    await bob.page.getByText("No notifications yet.").waitFor(WAIT);

    await invite(alice, bob, "profile");
    await expect.poll(() => alice.page.getByText("Settings: Medium · 7 points").count(), WAIT).toBe(1);

    // Bob: a toast, the notification on the open list (live), and the bell's count.
    await toastOf(bob.page, new RegExp(`^${alice.username} invited you to a duel`)).waitFor(WAIT);
    const item = bob.page.getByRole("article").filter({ hasText: `${alice.username} invited you to a duel` });
    await item.waitFor(WAIT);
    await bell(bob.page, 1).waitFor(WAIT);
    await screenshot(bob.page, "notifications");
    const violations = await axeCheck(bob.page);
    axeNotes.push(describeViolations("notifications", violations));
    expect(severe(violations)).toEqual([]);

    await item.getByRole("button", { name: `Accept the duel from ${alice.username}` }).click();
    await bob.page.waitForURL(`**/duels/${alice.username}`, WAIT);
    const bobsGame = await gameIdOn(bob.page);
    const alicesGame = await gameIdOn(alice.page);
    expect(bobsGame).toMatch(/^[0-9a-f-]{36}$/);
    expect(alicesGame).toBe(bobsGame);
    await alice.page.getByText("Invitation accepted: the game is on.").waitFor(WAIT);
    await toastOf(alice.page, new RegExp(`^${bob.username} accepted your duel`)).waitFor(WAIT);
    await alice.page.getByText(/^(Starts in|Started)/).waitFor(WAIT);
    await screenshot(alice.page, "duel-accepted");
    const duelViolations = await axeCheck(alice.page);
    axeNotes.push(describeViolations("duel page", duelViolations));
    expect(severe(duelViolations)).toEqual([]);

    // A reload derives the same state from the API.
    await bob.page.reload();
    expect(await gameIdOn(bob.page)).toBe(bobsGame);
    // The invitation was answered: its notification is read, the bell back to none.
    await bell(bob.page, 0).waitFor(WAIT);

    // The game ends (so both may duel again): both pages leave the game.
    await gql(alice.page, "mutation End($id: ID!) { endGame(gameId: $id) { id } }", { id: bobsGame });
    await alice.page.getByText(`No invitation between you and ${bob.username} right now.`).waitFor(WAIT);
    await bob.page.getByText(`No invitation between you and ${alice.username} right now.`).waitFor(WAIT);
  });

  it("a second invitation declined: Alice sees it declined", async () => {
    await invite(alice, bob);
    await screenshot(alice.page, "duel-waiting");
    // Bob is on the duel page with Alice: it shows her invitation live, with Accept and Decline.
    await bob.page.getByText(`${alice.username} invited you to a duel.`).waitFor(WAIT);
    await bob.page.getByRole("button", { name: "Decline" }).click();
    await bob.page.getByText("You declined the invitation.").waitFor(WAIT);
    await alice.page.getByText(`${bob.username} declined your invitation.`).waitFor(WAIT);
    await toastOf(alice.page, new RegExp(`^${bob.username} declined your duel`)).waitFor(WAIT);
  });

  it("a third cancelled by Alice: it leaves Bob's notifications, and he is told", async () => {
    await openLive(bob.page, "/notifications");
    await bob.page.getByText("No notifications yet.").waitFor(WAIT);
    await invite(alice, bob);
    const item = bob.page.getByRole("article").filter({ hasText: `${alice.username} invited you to a duel` });
    await item.waitFor(WAIT);
    await alice.page.getByRole("button", { name: "Cancel invitation" }).click();
    await alice.page.getByText("You cancelled your invitation.").waitFor(WAIT);
    await toastOf(bob.page, new RegExp(`^${alice.username} cancelled their duel invitation`)).waitFor(WAIT);
    await item.waitFor({ state: "detached", ...WAIT });
    await bob.page.getByText("No notifications yet.").waitFor(WAIT);
  });

  it("the bell counts a new friend and a new tournament (toasts on Bob), and mark all read clears it", async () => {
    await openLive(bob.page, `/duels/${alice.username}`);
    await bell(bob.page, 0).waitFor(WAIT);
    await gql(alice.page, "mutation Add($u: String!) { addFriend(username: $u) { id } }", { u: bob.username });
    await toastOf(bob.page, new RegExp(`^${alice.username} added you as a friend`)).waitFor(WAIT);
    await bell(bob.page, 1).waitFor(WAIT);

    await alice.page.goto("/tournaments/new");
    await alice.page.getByRole("textbox", { name: "Name" }).fill("Winter Cup");
    await alice.page.getByRole("textbox", { name: "Your alias in it" }).fill("thirteen chars");
    await alice.page.getByRole("button", { name: "Create tournament" }).click();
    // The API's message stands next to the field it is about.
    await alice.page.getByText("An alias must be 1 to 12 characters.").waitFor(WAIT);
    await screenshot(alice.page, "tournament-new");
    await alice.page.getByRole("textbox", { name: "Your alias in it" }).fill("Ace");
    await alice.page.getByRole("radio", { name: "8" }).check();
    await alice.page.getByRole("button", { name: "Create tournament" }).click();
    await alice.page.getByText("Tournament “Winter Cup” created.").waitFor(WAIT);

    await toastOf(bob.page, new RegExp(`^${alice.username} created the tournament “Winter Cup”`)).waitFor(WAIT);
    await bell(bob.page, 2).click();
    await bob.page.waitForURL("**/notifications", WAIT);
    await bob.page.getByRole("tab", { name: /Unread/ }).click();
    expect(await bob.page.getByRole("tab", { name: /Unread/ }).getAttribute("aria-selected")).toBe("true");
    const unreadList = bob.page.getByRole("list", { name: "Unread notifications" });
    await unreadList.getByRole("article").nth(1).waitFor(WAIT);
    expect(await unreadList.getByRole("article").count()).toBe(2);
    // Read one: it leaves the Unread list, the bell counts one, and focus lands on the heading, not the page's start.
    await unreadList.getByRole("button", { name: new RegExp(`^Mark read: ${alice.username} added you`) }).click();
    await bell(bob.page, 1).waitFor(WAIT);
    expect(await unreadList.getByRole("article").count()).toBe(1);
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.id), WAIT).toBe("notifications-title");
    await bob.page.getByRole("button", { name: "Mark all read" }).click();
    await bell(bob.page, 0).waitFor(WAIT);
    await bob.page.getByText("No unread notifications.").waitFor(WAIT);
    // The server agrees: after a reload, still none unread.
    await bob.page.reload();
    await bell(bob.page, 0).waitFor(WAIT);
    await bob.page.getByRole("tab", { name: "All" }).click();
    await bob.page.getByText(`${alice.username} created the tournament “Winter Cup”`).waitFor(WAIT);
  });
});
