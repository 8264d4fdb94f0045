// The e2e harness: a real Parley process (embedded mode: PGlite + in-memory pub/sub, a fresh data dir, a free
// port) serving web/build, Debian's Chromium through playwright-core, one browser context per user.
// One Parley process per e2e file (beforeAll/afterAll); the files run one at a time (vitest.config.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

const REPO_DIR = fileURLToPath(new URL("../..", import.meta.url));
const API_DIR = join(REPO_DIR, "api");
const MIGRATIONS_DIR = join(REPO_DIR, "prisma", "migrations");
const PGLITE_PACKAGE = join(REPO_DIR, "node_modules", "@electric-sql", "pglite", "package.json");
/** Migrated empty databases, one per set of migrations: a fresh data dir starts in 2–3 s instead of 10–15 s. */
const TEMPLATE_ROOT = join(tmpdir(), "parley-e2e-templates");
export const WEB_BUILD_DIR = join(REPO_DIR, "web", "build");
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const LISTENING = /listening on http:\/\/localhost:(\d+)\//;
/** The api's test secret (api/test/harness.ts); any 32+ characters do. */
const JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

/**
 * Whether the e2e files run: always on CI (CI=true: a missing Chromium makes `launchBrowser` fail), locally
 * only when /usr/bin/chromium exists. Use as `describe.skipIf(!e2eRuns)(…)`.
 */
export const e2eRuns = existsSync(CHROMIUM) || process.env.CI === "true";

// ---------------------------------------------------------------------------------------------------------------
// The Parley process

export interface Parley {
  /** `http://127.0.0.1:<port>` — the app at `/`, the API at `/graphql`. */
  url: string;
  port: number;
  dataDir: string;
  /** The last lines the process wrote (for a failing test's message). */
  output(): string;
  /** SIGTERM (graceful), SIGKILL after a few seconds; removes the data dir. */
  stop(): Promise<void>;
  /** Stops the process (SIGTERM, or SIGKILL with `{ kill: true }`) and starts it again: same port, same data. */
  restart(options?: { kill?: boolean; downMs?: number }): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it; we keep it for restarts). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The migrations and the PGlite version: a template made for other ones is not used. */
async function templateKey(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await readdir(MIGRATIONS_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(file.slice(MIGRATIONS_DIR.length)).update(await readFile(file));
  hash.update(await readFile(PGLITE_PACKAGE).catch(() => ""));
  return hash.digest("hex").slice(0, 16);
}

/** Saves a stopped instance's migrated, empty data dir as the template (atomically: a rename). */
async function saveTemplate(key: string, dataDir: string): Promise<void> {
  await mkdir(TEMPLATE_ROOT, { recursive: true });
  const staging = join(TEMPLATE_ROOT, `${key}.${process.pid}.${Date.now()}`);
  await cp(dataDir, staging, { recursive: true });
  await writeFile(join(staging, "TEMPLATE_READY"), key);
  await rename(staging, join(TEMPLATE_ROOT, key)).catch(() => rm(staging, { recursive: true, force: true }));
}

interface Child {
  exited: Promise<number | string>;
  signal(name: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts Parley (`node --import tsx api/src/main.ts`, like api/test/faults/instance.ts, so a signal reaches the
 * server itself) in embedded mode and resolves once it listens. `env` adds or overrides variables, e.g.
 * `{ ACCESS_TOKEN_TTL: "5", INVITATION_TTL: "10" }`.
 */
export async function startParley(env: Record<string, string> = {}): Promise<Parley> {
  const webDir = env.WEB_DIR ?? WEB_BUILD_DIR;
  if (!existsSync(join(webDir, "index.html"))) {
    throw new Error(
      `The web app is not built (${join(webDir, "index.html")} is missing): run \`npm run build -w @parley/web\` first.`,
    );
  }
  const dataDir = await mkdtemp(join(tmpdir(), "parley-e2e-"));
  const parleyData = join(dataDir, "data");
  const key = await templateKey();
  const template = join(TEMPLATE_ROOT, key);
  const fromTemplate = existsSync(join(template, "TEMPLATE_READY"));
  if (fromTemplate) await cp(template, parleyData, { recursive: true });
  else await mkdir(parleyData, { recursive: true });
  const port = await freePort();
  const lines: string[] = [];
  const output = () => lines.join("\n");

  const spawnOnce = async (): Promise<Child> => {
    // Only PATH from our environment: no DATABASE_URL / REDIS_URL (embedded mode), no stray settings.
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: API_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: String(port),
        PARLEY_DATA_DIR: parleyData,
        WEB_DIR: webDir,
        JWT_SECRET,
        COOKIE_SECURE: "false",
        LOG_LEVEL: "info",
        NODE_ENV: "test",
        SHUTDOWN_TIMEOUT: "2",
        RATE_LIMIT_MESSAGES_BURST: "1000000",
        RATE_LIMIT_MESSAGES_PER_SECOND: "1000000",
        RATE_LIMIT_INVITATIONS_PER_MINUTE: "1000000",
        RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000",
        RATE_LIMIT_LOGIN_FAILURES: "1000000",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | string>((resolve) =>
      child.once("exit", (code, signal) => resolve(signal ?? code ?? -1)),
    );
    const signal = (name: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(name);
      return exited;
    };
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Parley did not start in 30 s:\n${output()}`)), 30_000);
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`Parley exited (${how}) before listening:\n${output()}`));
      });
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding("utf8").on("data", (chunk: string) => {
          for (const line of chunk.split("\n").filter(Boolean)) {
            lines.push(line);
            if (lines.length > 300) lines.shift();
            if (LISTENING.test(line)) {
              clearTimeout(timer);
              resolve();
            }
          }
        });
      }
    });
    await listening.catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    return { exited, signal };
  };

  const halt = async (child: Child, kill = false) => {
    if (kill) {
      await child.signal("SIGKILL");
      return;
    }
    const timer = setTimeout(() => void child.signal("SIGKILL"), 8_000);
    await child.signal("SIGTERM").finally(() => clearTimeout(timer));
  };

  let current = await spawnOnce();
  if (!fromTemplate) {
    // the first start migrated an empty database: keep it for the next files (and start again from it)
    await halt(current);
    await saveTemplate(key, parleyData);
    current = await spawnOnce();
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    output,
    async stop() {
      await halt(current);
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart({ kill = false, downMs = 0 } = {}) {
      await halt(current, kill);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await spawnOnce();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The browser

/**
 * Debian's Chromium with the flags of ENVIRONMENT.md. playwright-core gives every launch a fresh temporary
 * user-data-dir (and removes it on close). On CI a missing /usr/bin/chromium is an error here.
 */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    return Promise.reject(new Error(`${CHROMIUM} is missing: apt-get install -y chromium`));
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Users

export interface User {
  page: Page;
  context: BrowserContext;
  username: string;
  email: string;
  password: string;
}

let userCount = 0;
/** A username unique across runs and files: `alice` → `alice_k3x9a1`. */
export function uniqueName(name = "user"): string {
  userCount += 1;
  return `${name}_${Date.now().toString(36).slice(-4)}${userCount}`.slice(0, 24);
}

export interface GraphqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Runs a GraphQL operation from the page (same origin, so the session cookies go with it and a `signUp` or
 * `login` stores them in the page's context). Throws on GraphQL errors unless `allowErrors`.
 */
export async function gql<T = Record<string, unknown>>(
  page: Page,
  query: string,
  variables: Record<string, unknown> = {},
  { allowErrors = false } = {},
): Promise<GraphqlResult<T>> {
  const result = await page.evaluate(
    async ({ query, variables }) => {
      const response = await fetch("/graphql", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlResult;
    },
    { query, variables },
  );
  if (!allowErrors && result.errors?.length) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}\nfor ${query}`);
  }
  return result as GraphqlResult<T>;
}

const SIGN_UP = `mutation E2eSignUp($email: String!, $password: String!, $username: String!) {
  signUp(email: $email, password: $password, username: $username) { user { id username } }
}`;

/** Whether this build has web-shell's sign-up form at /signup (labels Username, Email, Password), per server. */
const hasSignUpForm = new WeakMap<Parley, boolean>();

async function signUpThroughUi(page: Page, parley: Parley, user: Omit<User, "page" | "context">): Promise<boolean> {
  if (hasSignUpForm.get(parley) === false) return false;
  await page.goto("/signup", { waitUntil: "networkidle" });
  const username = page.getByLabel(/^user ?name/i).first();
  if (!hasSignUpForm.has(parley)) {
    const found = await username.waitFor({ state: "visible", timeout: 1_500 }).then(
      () => true,
      () => false,
    );
    hasSignUpForm.set(parley, found);
    if (!found) return false;
  }
  await username.fill(user.username);
  await page
    .getByLabel(/^e-?mail/i)
    .first()
    .fill(user.email);
  await page
    .getByLabel(/^password/i)
    .first()
    .fill(user.password);
  await page.getByRole("button", { name: /sign up|create account/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signup"), { timeout: 15_000 });
  return true;
}

/**
 * A new user in a fresh browser context (own cookies), signed up and on the app's start page. Signs up through
 * the UI when the build has a /signup form, otherwise through the API from the page (same origin).
 */
export async function newUser(
  browser: Browser,
  parley: Parley,
  name = "user",
  { via = "auto" }: { via?: "auto" | "ui" | "api" } = {},
): Promise<User> {
  const context = await browser.newContext({ baseURL: parley.url, viewport: DESKTOP });
  const page = await context.newPage();
  const username = uniqueName(name);
  const user = { username, email: `${username}@example.test`, password: "Correct-horse-42-battery" };
  let done = false;
  if (via !== "api") done = await signUpThroughUi(page, parley, user);
  if (!done) {
    if (via === "ui") throw new Error("this build has no sign-up form at /signup");
    await page.goto("/");
    await gql(page, SIGN_UP, user);
    await page.goto("/");
  }
  return { page, context, ...user };
}

// ---------------------------------------------------------------------------------------------------------------
// Screenshots and accessibility

/** Saves web/e2e/screenshots/<name>-desktop.png (1280×800) and <name>-phone.png (390×844); restores the size. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150); // layout and transitions settle
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`) });
  }
  await page.setViewportSize(before);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  /** The first few offending nodes' selectors, to find them. */
  targets: string[];
}

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it is now; returns its violations. */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  const axe = await import("axe-core");
  const already = await page.evaluate(() => "axe" in window);
  if (!already) await page.addScriptTag({ content: axe.default.source });
  return page.evaluate(async () => {
    interface AxeNode {
      target: unknown[];
    }
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      nodes: AxeNode[];
    }
    const runner: { run(context: Document, options: object): Promise<{ violations: AxeResult[] }> } = Reflect.get(
      window,
      "axe",
    );
    const results = await runner.run(document, { resultTypes: ["violations"] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.length,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.map(String).join(" ")),
    }));
  });
}

/** The violations a test fails on: serious or critical. */
export const severe = (violations: AxeViolation[]) =>
  violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");

/** One line per violation, for the log and the closing note. */
export const describeViolations = (screen: string, violations: AxeViolation[]) =>
  violations.length === 0
    ? `axe ${screen}: no violations`
    : violations
        .map((v) => `axe ${screen}: ${v.impact ?? "?"} ${v.id} ×${v.nodes} — ${v.help} (${v.targets.join(", ")})`)
        .join("\n");
