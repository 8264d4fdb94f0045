// Sign up, log in, log out, the session gate with deep links, and a session outliving its access token.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeCheck,
  DESKTOP,
  describeViolations,
  e2eRuns,
  gql,
  launchBrowser,
  type Parley,
  screenshot,
  severe,
  startParley,
  uniqueName,
} from "./harness.ts";

/** Short access tokens: the test waits them out and the session must carry on by refreshing. */
const ACCESS_TOKEN_TTL = 2;
const PASSWORD = "Correct-horse-42-battery";

/** The text of what the field's aria-describedby points at (its error and hint). */
async function description(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).evaluate((input) => {
    const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" | ");
  });
}
const invalid = (page: Page, label: string) => page.getByLabel(label, { exact: true }).getAttribute("aria-invalid");

async function submitSignUp(page: Page, fields: { username: string; email: string; password: string }) {
  await page.getByLabel("Username", { exact: true }).fill(fields.username);
  await page.getByLabel("Email", { exact: true }).fill(fields.email);
  await page.getByLabel("Password", { exact: true }).fill(fields.password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

async function logIn(page: Page, login: string, password: string) {
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

async function logOut(page: Page) {
  await page.getByRole("button", { name: /^Account menu/ }).click();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
}

describe.skipIf(!e2eRuns)("session", () => {
  let parley: Parley;
  let browser: Browser;
  let page: Page;
  const sockets: string[] = [];
  const username = uniqueName("ada");
  const email = `${username}@example.test`;

  beforeAll(async () => {
    [parley, browser] = await Promise.all([
      startParley({ ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL) }),
      launchBrowser(),
    ]);
    const context = await browser.newContext({ baseURL: parley.url, viewport: DESKTOP });
    page = await context.newPage();
    page.on("websocket", (socket) => sockets.push(socket.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("shows the API's messages next to the right fields, and a signed-out page opens no socket", async () => {
    await page.goto("/signup");
    await submitSignUp(page, { username: "no spaces allowed", email, password: PASSWORD });
    await expect.poll(() => description(page, "Username")).toMatch(/may contain only letters, digits/);
    expect(await invalid(page, "Username")).toBe("true");
    // focus goes to the field at fault, so its message is read out
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("username");

    await submitSignUp(page, { username, email: "not-an-email", password: PASSWORD });
    await expect.poll(() => description(page, "Email")).toMatch(/Email is not valid/);
    expect(await invalid(page, "Username")).toBeNull();

    await submitSignUp(page, { username, email, password: "abcdefgh" });
    await expect.poll(() => description(page, "Password")).toMatch(/at least one digit/);
    expect(await invalid(page, "Password")).toBe("true");
    expect(await invalid(page, "Email")).toBeNull();
    await screenshot(page, "signup-errors");
    const violations = await axeCheck(page);
    console.log(describeViolations("signup with errors", violations));
    expect(severe(violations)).toEqual([]);
    expect(sockets).toEqual([]);
  });

  it("signs up and lands on /chats with the shell", async () => {
    await submitSignUp(page, { username, email, password: PASSWORD });
    await page.waitForURL((url) => url.pathname === "/chats");
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await page.getByRole("button", { name: `Account menu for ${username}` }).isVisible()).toBe(true);
    expect(await page.getByRole("link", { name: /^Notifications/ }).getAttribute("href")).toBe("/notifications");
    const violations = await axeCheck(page);
    console.log(describeViolations("shell", violations));
    expect(severe(violations)).toEqual([]);
    await screenshot(page, "shell");
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await axeCheck(page);
    console.log(describeViolations("shell, dark", dark));
    expect(severe(dark)).toEqual([]);
    await screenshot(page, "shell-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("a taken username is refused next to the username", async () => {
    const other = await browser.newContext({ baseURL: parley.url, viewport: DESKTOP });
    const second = await other.newPage();
    await second.goto("/signup");
    await submitSignUp(second, { username, email: `other-${email}`, password: PASSWORD });
    await expect.poll(() => description(second, "Username")).toMatch(/already taken/);
    await other.close();
  });

  it("opens the shortcut help with ?", async () => {
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await page.keyboard.press("?");
    await help.waitFor();
    expect(await help.getByText("Show the keyboard shortcuts").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
  });

  it("logs out to /login, refuses a wrong password, logs in again", async () => {
    await logOut(page);
    // the session is gone on the server too
    const me = await gql(page, "{ me { id } }", {}, { allowErrors: true });
    expect(me.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    // "?" typed into a field is just text
    await page.getByLabel("Username or email").pressSequentially("who?");
    expect(await page.getByLabel("Username or email").inputValue()).toBe("who?");
    expect(await page.getByRole("dialog", { name: "Keyboard shortcuts" }).isVisible()).toBe(false);

    await logIn(page, username, "Wrong-password-1");
    const alert = page.getByRole("alert").filter({ hasText: /not correct/ });
    await alert.waitFor();
    expect(page.url()).toContain("/login");
    await screenshot(page, "login-error");
    const violations = await axeCheck(page);
    console.log(describeViolations("login with error", violations));
    expect(severe(violations)).toEqual([]);

    await logIn(page, email.toUpperCase(), PASSWORD);
    await page.waitForURL((url) => url.pathname === "/chats");
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  it("a deep link while signed out goes to /login, and back to it after logging in", async () => {
    await logOut(page);
    await page.goto("/chats/some-chat?x=1");
    await page.waitForURL((url) => url.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/chats/some-chat?x=1");
    await logIn(page, username, PASSWORD);
    await page.waitForURL((url) => url.pathname === "/chats/some-chat");
    expect(new URL(page.url()).search).toBe("?x=1");
    // signed in, the public pages lead on into the app
    await page.goto("/login?next=%2Fnotifications");
    await page.waitForURL((url) => url.pathname === "/notifications");
    await page.goto("/signup");
    await page.waitForURL((url) => url.pathname === "/chats");
  });

  it("stays signed in after the access token expired, and can still log out", async () => {
    await page.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
    // the access cookie is expired: a request is UNAUTHENTICATED, the client refreshes and retries
    await page.goto("/notifications");
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/notifications");
    await page.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
    await page.reload();
    await page.getByRole("button", { name: `Account menu for ${username}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/notifications");

    // logging out with an expired access token still ends the session
    await page.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
    await logOut(page);
    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    const me = await gql(page, "{ me { id } }", {}, { allowErrors: true });
    expect(me.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
