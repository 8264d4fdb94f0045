// A conversation of 10,000 messages scrolls without jank: the conversation is a virtual list (a bounded number
// of rows in the DOM however much history is loaded), older pages prepend without moving what is on screen, and
// the frame times of a scripted scroll are printed (not asserted tightly: a shared 2-core machine).
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, e2eRuns, launchBrowser, type Parley, screenshot, startParley, uniqueName } from "./harness.ts";

/** Override with SCALE_MESSAGES=… for a quicker local run. */
const MESSAGES = Number(process.env.SCALE_MESSAGES ?? 10_000);
/**
 * Seeding stops after this long (a busy 2-core machine stores 150–450 messages a second); the test then runs on
 * what was stored and says how many. SCALE_SEED_SECONDS=… to change.
 */
const SEED_BUDGET_MS = Number(process.env.SCALE_SEED_SECONDS ?? 30) * 1000;
/** Messages per request (aliased sendMessage fields: the process below allows that many aliases). */
const PER_REQUEST = 100;
/** Requests in flight at once. */
const PARALLEL = 4;
/** A non-virtual list would hold every loaded message; this one holds what is on screen and a little more. */
const MAX_ROWS = 200;
const PASSWORD = "Correct-horse-42-battery";

interface Account {
  username: string;
  token: string;
}

async function api<T>(parley: Parley, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${parley.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function signUp(parley: Parley, name: string): Promise<Account> {
  const username = uniqueName(name);
  const data = await api<{ signUp: { accessToken: string } }>(
    parley,
    "mutation($e: String!, $p: String!, $u: String!) { signUp(email: $e, password: $p, username: $u) { accessToken } }",
    { e: `${username}@example.test`, p: PASSWORD, u: username },
  );
  return { username, token: data.signUp.accessToken };
}

/** Message n's text: unique (the test finds rows by it) and of varying length (rows of varying height). */
const text = (n: number) => {
  const filler = "lorem ipsum dolor sit amet ".repeat(n % 7);
  return `Message #${String(n).padStart(5, "0")} ${filler}`.trim();
};

/**
 * Messages 1…count, oldest first, in aliased batches (runs of 25 by one sender, every 5th run by the other
 * person), until SEED_BUDGET_MS is up; resolves to how many were stored.
 */
async function seed(parley: Parley, chatId: string, me: Account, other: Account, count: number): Promise<number> {
  const batches: { sender: Account; numbers: number[] }[] = [];
  // consecutive runs by one sender, so the order of the whole history is the order of the numbers
  let n = 1;
  while (n <= count) {
    const sender = Math.floor((n - 1) / 25) % 5 === 4 ? other : me;
    const numbers: number[] = [];
    while (n <= count && numbers.length < PER_REQUEST && (numbers.length === 0 || n % 25 !== 1)) numbers.push(n++);
    batches.push({ sender, numbers });
  }
  // PARALLEL requests in flight: batches may be stored a little out of order (within PARALLEL·PER_REQUEST)
  let next = 0;
  let stored = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < batches.length && performance.now() - started < SEED_BUDGET_MS) {
      const batch = batches[next++];
      if (!batch) break;
      const fields = batch.numbers
        .map((k) => `m${k}: sendMessage(chatId: $c, content: ${JSON.stringify(text(k))}) { id }`)
        .join("\n");
      await api(parley, `mutation($c: ID!) {\n${fields}\n}`, { c: chatId }, batch.sender.token);
      stored += batch.numbers.length;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return stored;
}

/** The conversation's scrolling element (virtua's viewport inside the "Messages" log) and its rows. */
function scrollerInfo(page: Page) {
  return page.evaluate(() => {
    const log = document.querySelector('[role="log"][aria-label="Messages"]');
    if (!log) return null;
    const scroller = [...log.querySelectorAll<HTMLElement>("*")].find((node) => {
      const style = getComputedStyle(node);
      return /(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight;
    });
    const numbers = [...log.querySelectorAll("article")]
      .map((article) => Number(article.textContent?.match(/Message #(\d{5})/)?.[1] ?? Number.NaN))
      .filter((k) => !Number.isNaN(k));
    return {
      rows: log.querySelectorAll("article").length,
      numbers,
      newest: Math.max(...numbers),
      scrollTop: scroller?.scrollTop ?? -1,
      scrollHeight: scroller?.scrollHeight ?? -1,
    };
  });
}

/**
 * The first message row below the middle of the history pane and its top (the anchor a reader looks at), or the
 * row of message `number`. Not the topmost row: the oldest loaded message legitimately changes when older ones
 * arrive (it loses its date separator and, grouped with its new predecessor, its name line).
 */
function anchor(page: Page, number?: number) {
  return page.evaluate((wanted) => {
    const log = document.querySelector('[role="log"][aria-label="Messages"]');
    const box = log?.getBoundingClientRect();
    if (!log || !box) return null;
    for (const article of log.querySelectorAll("article")) {
      const k = Number(article.textContent?.match(/Message #(\d{5})/)?.[1] ?? Number.NaN);
      const top = article.getBoundingClientRect().top;
      if (wanted === undefined ? top >= box.top + box.height / 2 : k === wanted) return { number: k, top };
    }
    return null;
  }, number);
}

/** Scrolls the history by `dy` per animation frame for `ms`, recording frame times and long tasks. */
function scriptedScroll(page: Page, dy: number, ms: number) {
  return page.evaluate(
    ({ dy, ms }) =>
      new Promise<{ frames: number[]; longTasks: number[]; maxRows: number }>((resolve) => {
        const log = document.querySelector('[role="log"][aria-label="Messages"]');
        const scroller = [...(log?.querySelectorAll<HTMLElement>("*") ?? [])].find((node) =>
          /(auto|scroll)/.test(getComputedStyle(node).overflowY),
        );
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration);
        });
        observer.observe({ type: "longtask", buffered: false });
        const frames: number[] = [];
        let maxRows = 0;
        const start = performance.now();
        let last = start;
        const step = (now: number) => {
          frames.push(now - last);
          last = now;
          if (scroller) scroller.scrollTop += dy;
          maxRows = Math.max(maxRows, log?.querySelectorAll("article").length ?? 0);
          if (now - start < ms) requestAnimationFrame(step);
          else {
            observer.disconnect();
            resolve({ frames: frames.slice(1), longTasks, maxRows });
          }
        };
        requestAnimationFrame(step);
      }),
    { dy, ms },
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

describe.skipIf(!e2eRuns)("scale", () => {
  let parley: Parley;
  let browser: Browser;
  let page: Page;
  let chatId: string;
  let alice: Account;
  /** The newest message's text (the batches in flight at once may be stored a little out of order). */
  let newestText = "";
  /** How many messages the conversation has (all MESSAGES unless seeding ran out of time). */
  let seeded = 0;

  beforeAll(async () => {
    [parley, browser] = await Promise.all([
      startParley({
        // one request carries a batch of aliased sendMessage fields
        GRAPHQL_MAX_ALIASES: String(PER_REQUEST),
        GRAPHQL_MAX_TOKENS: String(PER_REQUEST * 40),
      }),
      launchBrowser(),
    ]);
    alice = await signUp(parley, "alice");
    const bob = await signUp(parley, "bob");
    const opened = await api<{ openChat: { chat: { id: string } } }>(
      parley,
      "mutation($u: String!) { openChat(username: $u) { chat { id } } }",
      { u: bob.username },
      alice.token,
    );
    chatId = opened.openChat.chat.id;
    const started = performance.now();
    seeded = await seed(parley, chatId, alice, bob, MESSAGES);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `scale: seeded ${seeded} of ${MESSAGES} messages in ${seconds.toFixed(1)} s (${(seeded / seconds).toFixed(0)}/s)`,
    );
    const newest = await api<{ chat: { messages: { nodes: { content: string }[] } } }>(
      parley,
      "query($c: ID!) { chat(id: $c) { messages(first: 1) { nodes { content } } } }",
      { c: chatId },
      alice.token,
    );
    newestText = newest.chat.messages.nodes[0]?.content ?? "";
    // nothing unread: the conversation opens at the newest message
    await api(parley, "mutation($c: ID!) { markChatRead(chatId: $c) { id } }", { c: chatId }, alice.token);

    const context = await browser.newContext({ baseURL: parley.url, viewport: DESKTOP });
    page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Username or email").fill(alice.username);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it("opens at the newest message with a bounded number of rows", async () => {
    await page.goto(`/chats/${chatId}`);
    const log = page.getByRole("log", { name: "Messages" });
    await expect.poll(() => log.getByText(newestText, { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
    const info = await scrollerInfo(page);
    expect(info?.newest).toBeGreaterThan(seeded - PARALLEL * PER_REQUEST);
    expect(info?.rows).toBeLessThan(MAX_ROWS);
  });

  it("scrolling up loads older pages, keeps the anchor in place and the DOM bounded", async () => {
    const log = page.getByRole("log", { name: "Messages" });
    // older pages (ChatMessages with `before:`) are held until the test has noted where the anchor is, then let go:
    // the comparison is then exactly "before the prepend" against "after it", whatever the timing
    const held: Route[] = [];
    await page.route("**/graphql", async (route) => {
      const body = route.request().postData() ?? "";
      if (body.includes('"operationName":"ChatMessages"') && /"before":"[^"]+"/.test(body)) held.push(route);
      else await route.continue();
    });
    await log.hover();
    const seen = new Set<number>();
    const shifts: number[] = [];
    let maxRows = 0;
    let steps = 0;
    const started = performance.now();
    // the mouse wheel, a screenful at a time, for up to 12 s or until 500 different messages went by
    while (performance.now() - started < 12_000 && seen.size < 500) {
      steps += 1;
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(60);
      const info = await scrollerInfo(page);
      if (!info) throw new Error("no message rows on screen");
      for (const k of info.numbers) seen.add(k);
      maxRows = Math.max(maxRows, info.rows);
      if (held.length === 0) continue;
      // near the top the list asked for an older page: note the anchor, let the page in, find the anchor again
      await page.waitForTimeout(150); // the wheel's scroll has settled
      const mark = await anchor(page);
      const before = await scrollerInfo(page);
      if (!mark || !before) throw new Error("no message rows on screen");
      for (const route of held.splice(0)) await route.continue();
      await expect
        .poll(async () => (await scrollerInfo(page))?.scrollHeight ?? 0, { timeout: 10_000 })
        .toBeGreaterThan(before.scrollHeight);
      await page.waitForTimeout(100);
      const moved = await anchor(page, mark.number);
      // gone from the DOM: the list jumped away from it (as without virtua's shift mode)
      shifts.push(moved ? Math.abs(moved.top - mark.top) : Number.POSITIVE_INFINITY);
    }
    for (const route of held.splice(0)) await route.continue();
    await page.unroute("**/graphql");
    const after = await scrollerInfo(page);
    maxRows = Math.max(maxRows, after?.rows ?? 0);
    console.log(
      `scale: ${steps} wheel steps up showed ${seen.size} different messages, at most ${maxRows} rows in the DOM; ` +
        `anchor shift across ${shifts.length} prepended pages: max ${Math.max(...shifts).toFixed(1)} px`,
    );
    await screenshot(page, "scale-scrolled-back");
    // a list holding every loaded message would hold at least all those seen
    expect(seen.size).toBeGreaterThan(MAX_ROWS * 2);
    expect(maxRows).toBeLessThan(MAX_ROWS);
    expect(shifts.length).toBeGreaterThanOrEqual(3);
    for (const shift of shifts) expect(shift).toBeLessThan(8);
  });

  it("prints the frame times of a scripted scroll", async () => {
    // down through what is loaded, then up (which loads more on the way)
    const down = await scriptedScroll(page, 60, 2_500);
    const up = await scriptedScroll(page, -60, 2_500);
    for (const [label, run] of [
      ["down", down],
      ["up", up],
    ] as const) {
      console.log(
        `scale: scroll ${label} ${run.frames.length} frames — p50 ${ms(percentile(run.frames, 50))}, p95 ` +
          `${ms(percentile(run.frames, 95))}, max ${ms(Math.max(...run.frames))}; long tasks ${run.longTasks.length}` +
          (run.longTasks.length ? ` (max ${ms(Math.max(...run.longTasks))})` : "") +
          `; at most ${run.maxRows} rows`,
      );
      expect(run.maxRows).toBeLessThan(MAX_ROWS);
      expect(run.frames.length).toBeGreaterThan(30);
    }
  });
});
