// The harness itself: Parley serves the built app, a user signs up in its own context, survives a restart.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eRuns, gql, launchBrowser, newUser, type Parley, startParley } from "./harness.ts";

describe.skipIf(!e2eRuns)("e2e harness", () => {
  let parley: Parley;
  let browser: Browser;
  beforeAll(async () => {
    [parley, browser] = await Promise.all([startParley(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("serves the app, signs a user up in its own context, and keeps the data over a restart", async () => {
    const t1 = Date.now();
    const alice = await newUser(browser, parley, "alice");
    const bob = await newUser(browser, parley, "bob");
    console.log(`two users took ${Date.now() - t1} ms`);
    expect(await alice.page.locator("h1").first().textContent()).toBeTruthy();
    const me = async (page = alice.page) =>
      (await gql<{ me: { username: string } | null }>(page, "{ me { username } }")).data?.me?.username;
    expect(await me()).toBe(alice.username);
    expect(await me(bob.page)).toBe(bob.username);
    const t0 = Date.now();
    await parley.restart();
    console.log(`restart took ${Date.now() - t0} ms`);
    expect(await me()).toBe(alice.username);
  });
});
