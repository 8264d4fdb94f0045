import { randomUUID } from "node:crypto";
import type { ActionContext, AnyLiveFeed, Domain, SocketAction } from "./actions/action.ts";
import type { ApiSocket } from "./executor.ts";
import { FrameRate } from "./frame-rate.ts";
import { LegacyClose } from "./legacy/close-codes.ts";
import type { LegacyFrame } from "./legacy/frame.ts";
import { CallerDocument } from "./operations/generated/graphql.ts";

/** The legacy socket as the session core sees it: the `ws` adapter, or a fake one in tests. */
export interface LegacySocketPort {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** bytes queued unsent */
  readonly bufferedAmount: number;
  /** every frame the client sends, in order (`binary`: a binary frame, `text` then empty) */
  onMessage(listener: (text: string, binary: boolean) => void): void;
}

export interface BridgeLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SessionOptions {
  /** the API's WS_MAX_BUFFERED_BYTES: a socket with more queued unsent is closed with 1013 */
  maxBufferedBytes: number;
  /** a text frame longer than this (characters) is bad data, not parsed */
  maxFrameLength: number;
  logger: BridgeLogger;
}

export interface Session {
  /** true once the caller is known and every live feed is live; false if the socket closed first */
  ready: Promise<boolean>;
  /** the transport saw the legacy socket close */
  closed(): void;
}

/** Protocol §2.2: 50 frames per rolling second per socket. */
const FRAMES_PER_SECOND = 50;
/** Frames received but not yet processed (they run in order): at the frame rate, a client this far behind is stuck. */
const MAX_PENDING_FRAMES = 256;

/** Actions by legacy name from every domain's table; one name in two tables is a programming error. */
export function actionsOf(domains: readonly Domain[]): ReadonlyMap<string, SocketAction<never>> {
  const actions = new Map<string, SocketAction<never>>();
  for (const domain of domains) {
    for (const [name, entry] of Object.entries(domain.actions)) {
      if (actions.has(name)) throw new Error(`Legacy action ${name} is defined twice`);
      actions.set(name, entry);
    }
  }
  return actions;
}

/**
 * One legacy `/ws/events/` socket over one API socket (graphql-ws's split: no transport here). Reads the
 * caller, starts every live feed, then runs the frame pipeline of protocol §2.2 on each frame, in order.
 */
export function openSession(
  socket: LegacySocketPort,
  api: ApiSocket,
  domains: readonly Domain[],
  options: SessionOptions,
): Session {
  const session = new LegacySession(socket, api, actionsOf(domains), options);
  return { ready: session.open(domains.flatMap((domain) => domain.feeds)), closed: () => session.end() };
}

class LegacySession {
  readonly #rate = new FrameRate(FRAMES_PER_SECOND, 1000);
  readonly #pending: string[] = [];
  readonly #unsubscribes: (() => void)[] = [];
  #ctx: ActionContext | undefined;
  #running = false;
  #ended = false;

  constructor(
    private readonly socket: LegacySocketPort,
    private readonly api: ApiSocket,
    private readonly actions: ReadonlyMap<string, SocketAction<never>>,
    private readonly options: SessionOptions,
  ) {
    socket.onMessage((text, binary) => this.#receive(text, binary));
    void api.closed.then(({ code }) => this.#close(apiCloseToLegacy(code), "The server ended the connection"));
  }

  async open(feeds: readonly AnyLiveFeed[]): Promise<boolean> {
    const me = await this.api.execute({ document: CallerDocument, variables: {} });
    if (!me.data) {
      if (!this.#ended) this.options.logger.error({ errors: me.errors }, "legacy socket: reading the caller failed");
      this.#close(LegacyClose.InternalError, "Internal error");
      return false;
    }
    const { id: userId, username, nickname } = me.data.me;
    const ctx: ActionContext = {
      caller: { userId, username, nickname },
      api: this.api,
      reply: (frame) => this.#send(frame),
      socketId: randomUUID(),
    };
    this.#ctx = ctx;
    await Promise.all(feeds.map((feed) => this.#start(feed, ctx)));
    if (this.#ended) return false;
    this.#drain();
    return true;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.api.close();
  }

  /** Resolves once the feed's first event (StreamReadyEvent: it is live) or its end arrived. */
  #start(feed: AnyLiveFeed, ctx: ActionContext): Promise<void> {
    return new Promise((live) => {
      const unsubscribe = this.api.subscribe(
        feed.operation,
        (result) => {
          live();
          if (result.data) for (const frame of feed.frames(result.data, ctx)) this.#send(frame);
          else this.options.logger.warn({ errors: result.errors }, "legacy socket: a live feed's event failed");
        },
        () => {
          live();
          this.#close(LegacyClose.TryAgainLater, "A live feed ended: reconnect");
        },
      );
      this.#unsubscribes.push(unsubscribe);
    });
  }

  #send(frame: LegacyFrame): void {
    if (this.#ended) return;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.#close(LegacyClose.TryAgainLater, "Too slow: reconnect and catch up");
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }

  #close(code: number, reason: string): void {
    if (this.#ended) return;
    this.socket.close(code, reason);
    this.end();
  }

  /** Counted on arrival (every frame counts, §2.2 step 2); processed in order by `#drain`. */
  #receive(text: string, binary: boolean): void {
    if (this.#ended) return;
    const refusal = this.#admit(text, binary);
    if (refusal) {
      this.#close(refusal === "Too many frames" ? LegacyClose.TryAgainLater : LegacyClose.BadData, refusal);
      return;
    }
    this.#pending.push(text);
    if (this.#ctx) this.#drain();
  }

  /** Why a frame just received ends the socket, if it does. */
  #admit(text: string, binary: boolean): string | undefined {
    if (binary) return "Binary frames are not accepted";
    if (!this.#rate.admit(performance.now())) return "Rate limit exceeded";
    if (text.length > this.options.maxFrameLength) return "Frame too large";
    if (this.#pending.length >= MAX_PENDING_FRAMES) return "Too many frames";
    return undefined;
  }

  /** Runs queued frames in order: synchronously up to the next action, which resumes the queue when done. */
  #drain(): void {
    const ctx = this.#ctx;
    if (this.#running || !ctx) return;
    while (!this.#ended) {
      const text = this.#pending.shift();
      if (text === undefined) return;
      const step = this.#dispatch(text);
      if (step === "ignore") continue;
      if (typeof step === "string") {
        this.#close(LegacyClose.BadData, step);
        return;
      }
      this.#running = true;
      void this.#run(step, ctx);
      return;
    }
  }

  async #run(step: { action: SocketAction<never>; data: never }, ctx: ActionContext): Promise<void> {
    try {
      await step.action.run(step.data, ctx);
    } catch (error) {
      this.options.logger.error({ err: error }, "legacy socket: an action failed");
      this.#close(LegacyClose.BadData, "Internal error");
    }
    this.#running = false;
    this.#drain();
  }

  /** Protocol §2.2 steps 1, 3–5: what to run, "ignore", or why the socket closes with 3100. */
  #dispatch(text: string): { action: SocketAction<never>; data: never } | "ignore" | string {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return "Invalid JSON";
    }
    if (typeof frame !== "object" || frame === null || Array.isArray(frame)) return "A frame is a JSON object";
    const { action: name, data } = frame as { action?: unknown; data?: unknown };
    if (!pythonTruthy(name)) return "ignore";
    const action = typeof name === "string" ? this.actions.get(name) : undefined;
    if (!action) return "Unknown action";
    const parsed = action.data.safeParse(data);
    return parsed.success ? { action, data: parsed.data } : "Invalid data";
  }
}

/** The legacy server tests `if not action`: missing, null, false, 0, "", [] and {} are all ignored (§2.2 step 3). */
// (an array's keys are its indexes, so `[]` has none)
function pythonTruthy(value: unknown): boolean {
  if (typeof value === "object" && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** The API's close of its socket, as the legacy client should see it. */
function apiCloseToLegacy(code: number): number {
  if (code === 4403) return LegacyClose.IllegalConnection; // session ended (graphql-ws Forbidden)
  if (code === 1001 || code === 1013) return code; // shutting down, too slow: reconnect
  return LegacyClose.InternalError;
}
