// The server restarted mid-conversation: the banner shows, the socket comes back, nothing is lost or doubled.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eRuns, launchBrowser, newUser, type Parley, startParley } from "./harness.ts";

describe.skipIf(!e2eRuns)("connection resilience", () => {
  let parley: Parley;
  let browser: Browser;
  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("shows the connection banner while the server is down and clears it once the socket is back", async () => {
    const alice = await newUser(browser, parley, "alice");
    const banner = alice.page.getByRole("status", { name: "Connection" });
    await expect.poll(() => alice.page.evaluate(() => document.readyState)).toBe("complete");
    await expect.poll(() => banner.textContent()).toBe("");
    await parley.restart({ downMs: 1500 });
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toMatch(/Back online|Reconnecting/);
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toMatch(/Back online/);
    await expect.poll(() => banner.textContent(), { timeout: 5_000 }).toBe("");
  });
});
