// Legacy test client: a raw `ws` client of /ws/events/ that queues every frame (never sleeps to wait), and a
// per-user cookie jar for the HTTP side, with the Origin header a browser would send.
import WebSocket from "ws";
import { signUp, type TestUser } from "../harness.ts";

export interface LegacyFrame {
  action: string;
  data?: Record<string, any>;
  [key: string]: unknown;
}

export interface Closed {
  code: number;
  reason: string;
}

/** The server's http(s) origin, from the harness's `url` (…/graphql) or `wsUrl`. */
export function originOf(server: { url: string }): string {
  return new URL(server.url).origin;
}

/** Cookies as a browser keeps them for one origin: Set-Cookie in, Cookie header out. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.#cookies.set(name, value);
  }

  /** Takes every Set-Cookie of a response (a cookie with an empty value or Max-Age=0 is deleted). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (!value || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/** A legacy user: a signed-up account with its session in cookies, and its HTTP helper. */
export class LegacyUser {
  constructor(
    readonly server: { url: string; wsUrl: string },
    readonly user: TestUser,
    readonly jar: CookieJar,
  ) {}

  get username() {
    return this.user.username;
  }

  /** Same-origin fetch with this user's cookies and the page's Origin; stores the cookies it sets. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("origin", originOf(this.server));
    const cookie = this.jar.header();
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(`${originOf(this.server)}${path}`, { ...init, headers });
    this.jar.store(response);
    return response;
  }

  /** Opens /ws/events/ as this user (a browser tab). */
  connect(options: Omit<LegacyConnectOptions, "cookie"> = {}): Promise<LegacySocket> {
    return connectLegacy(this.server, { cookie: this.jar.header(), ...options });
  }
}

/** Signs a user up (through GraphQL until /api/signup exists) with the session as cookies. */
export async function legacyUser(server: { url: string; wsUrl: string }, username?: string): Promise<LegacyUser> {
  const user = await signUp(server, username);
  return new LegacyUser(server, user, new CookieJar({ access_token: user.token, refresh_token: user.refreshToken }));
}

export interface LegacyConnectOptions {
  cookie?: string;
  /** default: the server's own origin; null: no Origin header */
  origin?: string | null;
  /** default: /ws/events/ */
  path?: string;
}

/** The socket opened, or the HTTP status that refused the handshake. */
export async function tryConnect(
  server: { url: string },
  options: LegacyConnectOptions = {},
): Promise<LegacySocket | { status: number }> {
  const url = `${originOf(server).replace(/^http/, "ws")}${options.path ?? "/ws/events/"}`;
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? originOf(server) : options.origin;
  if (origin) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  const ws = new WebSocket(url, { headers });
  const socket = new LegacySocket(ws);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("unexpected-response", (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      ws.terminate();
    });
    ws.once("error", reject);
  });
}

export async function connectLegacy(server: { url: string }, options: LegacyConnectOptions = {}) {
  const socket = await tryConnect(server, options);
  if ("status" in socket) throw new Error(`the legacy handshake was refused with HTTP ${socket.status}`);
  return socket;
}

/** One legacy socket: every frame received is queued in order; the close is recorded. */
export class LegacySocket {
  readonly #frames: LegacyFrame[] = [];
  #wake: (() => void) | undefined;
  #closed: Closed | undefined;
  /** settles with the close code and reason */
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.#frames.push(JSON.parse(String(data)) as LegacyFrame);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => {
      ws.once("close", (code, reason) => {
        this.#closed = { code, reason: String(reason) };
        this.#wake?.();
        resolve(this.#closed);
      });
    });
  }

  /** Sends a frame: an object is JSON-encoded, a string goes as is (text frame). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  sendBinary(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  /** The next frame received (already queued, or the next to arrive within `timeoutMs`). */
  async next(timeoutMs = 5000): Promise<LegacyFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0) {
      if (this.#closed) throw new Error(`socket closed (${this.#closed.code}) while waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a legacy frame");
      await this.#wait(left);
    }
    return this.#frames.shift() as LegacyFrame;
  }

  /** The next frame with this action; frames before it are skipped (and returned in `skipped`). */
  async nextOf(action: string, timeoutMs = 5000): Promise<LegacyFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (frame.action === action) return frame;
    }
  }

  /** No frame (of `action`, if given) arrives within `ms`; frames of other actions stay queued. */
  async expectNone(ms: number, action?: string): Promise<void> {
    const matches = () => this.#frames.some((frame) => !action || frame.action === action);
    const deadline = Date.now() + ms;
    while (!matches() && Date.now() < deadline) await this.#wait(deadline - Date.now());
    const unexpected = this.#frames.find((frame) => !action || frame.action === action);
    if (unexpected) throw new Error(`unexpected legacy frame ${JSON.stringify(unexpected)}`);
  }

  /** Frames received and not yet taken. */
  get queued(): readonly LegacyFrame[] {
    return this.#frames;
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
