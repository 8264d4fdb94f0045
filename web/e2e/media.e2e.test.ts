// Attachments end to end: A picks two PNGs, watches the upload progress, sends them and sees their thumbnails; B
// sees them arrive live and opens the image viewer, moving between them with the arrow keys; a file that claims to be a PNG but is text is refused with
// the API's own message (dropped on the conversation this time).
import { readFile } from "node:fs/promises";
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

const PNG = new URL("./fixtures/tiles.png", import.meta.url).pathname; // 480×320
const DOTS = new URL("./fixtures/dots.png", import.meta.url).pathname; // 120×90
const NOT_A_PNG = new URL("./fixtures/not-an-image.png", import.meta.url).pathname;

const URL_TTL = 15;
const conversationUrl = (chatId: string) => `/chats/${chatId}`;
const messages = (page: Page) => page.getByRole("log");

/** Slows (or with null restores) the page's uploads, so the progress bar can be seen moving. */
async function throttleUploads(user: User, bytesPerSecond: number | null) {
  const cdp = await user.context.newCDPSession(user.page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}

describe.skipIf(!e2eRuns)("attachments", () => {
  let parley: Parley;
  let browser: Browser;
  let a: User;
  let b: User;
  beforeAll(async () => {
    // download links live 15 s here (5 min by default), so the last test sees one expire
    [parley, browser] = await Promise.all([startParley({ MEDIA_URL_TTL: String(URL_TTL) }), launchBrowser()]);
    [a, b] = await Promise.all([newUser(browser, parley, "ann"), newUser(browser, parley, "bob")]);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("A uploads two PNGs with progress and sends them; B sees the thumbnails live and browses them in the viewer", async () => {
    const opened = await gql<{ openChat: { chat: { id: string } } }>(
      a.page,
      "mutation E2eOpenChat($username: String!) { openChat(username: $username) { chat { id } } }",
      { username: b.username },
    );
    const chatId = opened.data?.openChat.chat.id ?? "";
    await Promise.all([a.page.goto(conversationUrl(chatId)), b.page.goto(conversationUrl(chatId))]);
    await messages(b.page).waitFor();

    // pick the files; the uploads are slowed (tiles.png takes about 2 s) so the bar is seen before it is ready
    await throttleUploads(a, 10 * 1024);
    const chooser = a.page.waitForEvent("filechooser");
    await a.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([PNG, DOTS]);
    const bar = a.page.getByRole("progressbar", { name: "Uploading tiles.png" });
    await bar.waitFor();
    await expect.poll(async () => Number((await bar.getAttribute("aria-valuenow")) ?? 0)).toBeGreaterThan(0);
    await throttleUploads(a, null);
    const tray = a.page.getByRole("list", { name: "Attachments" });
    await expect.poll(() => tray.getByText("Ready").count(), { timeout: 15_000 }).toBe(2);
    expect(await bar.count()).toBe(0);

    await a.page.getByRole("textbox", { name: /message/i }).fill("tiles and dots");
    await a.page.getByRole("button", { name: /^send/i }).click();
    await expect.poll(() => tray.count()).toBe(0);

    // A's own message shows the thumbnail, sized before it loads (no layout shift)
    // (an image inside a button is presentational for ARIA: find the <img> in the button named after it)
    const mine = messages(a.page).getByRole("button", { name: "Open image tiles.png" }).locator("img");
    await mine.waitFor();
    expect(await mine.getAttribute("width")).toBe("240");
    expect(await mine.getAttribute("height")).toBe("160");
    const small = messages(a.page).getByRole("button", { name: "Open image dots.png" }).locator("img");
    expect(await small.getAttribute("width")).toBe("120"); // small images keep their size
    expect(await small.getAttribute("height")).toBe("90");

    // B: live, without a reload
    const thumb = messages(b.page).getByRole("button", { name: "Open image tiles.png" });
    await thumb.waitFor({ timeout: 10_000 });
    const thumbImage = thumb.locator("img");
    expect(await thumbImage.getAttribute("alt")).toBe("tiles.png");
    await expect.poll(() => thumbImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320); // the WebP thumbnail
    await thumb.click();
    const viewer = b.page.getByRole("dialog", { name: "tiles.png (1 of 2)" });
    const full = viewer.getByRole("img", { name: "tiles.png" });
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
    // the arrow keys (and the buttons) move between the message's images
    await b.page.keyboard.press("ArrowRight");
    const second = b.page.getByRole("dialog", { name: "dots.png (2 of 2)" });
    const secondImage = second.getByRole("img", { name: "dots.png" });
    await expect.poll(() => secondImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
    await second.getByRole("button", { name: "Previous image" }).click();
    await viewer.waitFor();
    expect(await viewer.getByRole("link", { name: "Download tiles.png" }).count()).toBe(1);
    await screenshot(b.page, "image-viewer");
    const violations = await axeCheck(b.page);
    console.log(describeViolations("image viewer", violations));
    expect(severe(violations)).toEqual([]);
    await b.page.keyboard.press("Escape");
    await expect.poll(() => viewer.count()).toBe(0);
    // focus went back to the thumbnail that opened it
    expect(await thumb.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("a text file named .png, dropped on the conversation, is refused with the API's message", async () => {
    const text = await readFile(NOT_A_PNG);
    const dataTransfer = await a.page.evaluateHandle(
      (bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "not-an-image.png", { type: "image/png" }));
        return transfer;
      },
      [...text],
    );
    const zone = a.page.getByRole("group", { name: /drop files here/i });
    await zone.dispatchEvent("dragenter", { dataTransfer });
    await zone.dispatchEvent("drop", { dataTransfer });
    const alert = a.page.getByRole("alert").filter({ hasText: "not-an-image.png" });
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain("The file's content is not image/png.");
    await a.page.getByRole("button", { name: "Remove not-an-image.png" }).click();
    await expect.poll(() => alert.count()).toBe(0);
  });

  it("an expired link is renewed before the viewer opens (no broken image)", async () => {
    const thumb = messages(b.page).getByRole("button", { name: "Open image dots.png" });
    const oldUrl = (await thumb.locator("img").getAttribute("src")) ?? "";
    const expiresAt = Number(new URL(oldUrl, parley.url).searchParams.get("exp")) * 1000;
    await b.page.waitForTimeout(Math.max(0, expiresAt - Date.now() + 500));
    const renewal = b.page.waitForRequest((request) => request.postData()?.includes("MessageAttachments") ?? false);
    await thumb.click();
    await renewal;
    const viewer = b.page.getByRole("dialog", { name: "dots.png (2 of 2)" });
    const full = viewer.getByRole("img", { name: "dots.png" });
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
    const newUrl = (await full.getAttribute("src")) ?? "";
    expect(Number(new URL(newUrl, parley.url).searchParams.get("exp")) * 1000).toBeGreaterThan(Date.now());
    await b.page.keyboard.press("Escape");
  });
});
