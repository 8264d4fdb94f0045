import type { PrismaClient } from "@parley/db";
import { LRUCache } from "lru-cache";
import type { SocketSession, Viewer } from "../../graphql/context.ts";
import type { TokenService } from "../../infra/auth.ts";
import type { Logger } from "../../infra/logger.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { topics } from "../../realtime/topics.ts";

export type ViewerCheck = { ok: true; viewer: Viewer } | { ok: false; reason: "missing" | "invalid" | "expired" };

/**
 * How long a session's state is trusted without asking the database again. Ending a session drops it from
 * every instance's cache at once (SESSION_ENDED), so this only bounds how late a deleted user is noticed.
 */
const SESSION_CACHE_MS = 5_000;

const START_WAIT_MS = 2_000;

/** No user: the session is unknown (its user was deleted) or has ended. */
const ENDED = "";

/**
 * Who a request or socket acts for: one function for HTTP and graphql-ws. An access token counts only while
 * its session is live and belongs to its subject. Ending a session closes its sockets on every instance.
 */
export class Sessions {
  /** sessionId → user id while live, ENDED otherwise; concurrent misses share one query */
  readonly #users: LRUCache<string, string>;
  readonly #watchers = new Map<string, Set<() => void>>();
  #stream: ReturnType<EventBus["subscribe"]> | undefined;
  #listening: Promise<void> | undefined;

  constructor(
    private readonly tokens: TokenService,
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.#users = new LRUCache<string, string>({
      max: 100_000,
      ttl: SESSION_CACHE_MS,
      fetchMethod: async (sessionId) => {
        const session = await this.prisma.session.findUnique({
          where: { id: sessionId },
          select: { userId: true, revokedAt: true },
        });
        return session && !session.revokedAt ? session.userId : ENDED;
      },
    });
  }

  async resolve(token: string | undefined | null): Promise<ViewerCheck> {
    const check = await this.tokens.verifyAccess(token);
    if (!check.ok) return check;
    const { userId, sessionId, exp } = check.claims;
    if ((await this.#users.fetch(sessionId)) !== userId) return { ok: false, reason: "invalid" };
    return { ok: true, viewer: { id: userId, sessionId, tokenExp: exp } };
  }

  /**
   * For a socket that outlives its access token (protocol §1.4): its session must still be live. `tokenExp` is
   * 0, since no token bounds it.
   */
  async live({ userId, sessionId }: SocketSession): Promise<ViewerCheck> {
    if ((await this.#users.fetch(sessionId)) !== userId) return { ok: false, reason: "invalid" };
    return { ok: true, viewer: { id: userId, sessionId, tokenExp: 0 } };
  }

  /** Calls `onEnd` when the session ends, on whichever instance; returns the way to stop watching. */
  watch(sessionId: string, onEnd: () => void): () => void {
    // ended after `resolve` said live, before this call
    if (this.#users.get(sessionId) === ENDED) {
      queueMicrotask(onEnd);
      return () => {};
    }
    const watchers = this.#watchers.get(sessionId) ?? new Set();
    this.#watchers.set(sessionId, watchers);
    watchers.add(onEnd);
    return () => {
      watchers.delete(onEnd);
      if (watchers.size === 0 && this.#watchers.get(sessionId) === watchers) this.#watchers.delete(sessionId);
    };
  }

  /** The session is already revoked in the database: act on it here now, and tell the other instances. */
  async ended(sessionId: string): Promise<void> {
    this.#end(sessionId);
    await this.bus.publish(topics.sessions, { kind: "SESSION_ENDED", at: new Date().toISOString(), sessionId });
  }

  /**
   * Resolves once this instance hears SESSION_ENDED from every instance, or after START_WAIT_MS if pub/sub is
   * slow to subscribe: start-up never hangs on it, and the stream goes live when it can.
   */
  async start(): Promise<void> {
    const stream = this.bus.subscribe(topics.sessions);
    this.#stream = stream;
    const ready = stream.next(); // STREAM_READY
    this.#listening = ready
      .then(async () => {
        for await (const event of stream) if (event.kind === "SESSION_ENDED") this.#end(event.sessionId);
      })
      .catch((error: unknown) => this.logger.error({ err: error }, "the ended-sessions stream failed"));
    let timer: NodeJS.Timeout | undefined;
    const settled = ready.then(
      () => {},
      () => {},
    );
    await Promise.race([
      settled,
      new Promise((resolve) => {
        timer = setTimeout(resolve, START_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.#stream?.return();
    await this.#listening;
  }

  #end(sessionId: string): void {
    this.#users.set(sessionId, ENDED);
    const watchers = this.#watchers.get(sessionId);
    this.#watchers.delete(sessionId);
    for (const onEnd of watchers ?? []) onEnd();
  }
}
