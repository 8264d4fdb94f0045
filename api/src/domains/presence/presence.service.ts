import { randomUUID } from "node:crypto";
import type { PrismaClient, Sql, User } from "@parley/db";
import DataLoader from "dataloader";
import type { Redis } from "ioredis";
import { processWide } from "../../graphql/loaders.ts";
import type { PageWindow } from "../../graphql/pagination.ts";
import type { Logger } from "../../infra/logger.ts";
import type { Scheduler } from "../../infra/scheduler.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { ActivityBatcher } from "./activity-batcher.ts";
import { ActivityLog } from "./activity-log.ts";
import { RedisPresenceStore } from "./presence.redis.ts";
import { HEARTBEAT_EXPIRY_FACTOR, type PresenceSettings } from "./presence.settings.ts";
import { MemoryPresenceStore, type PresenceStore, type WentOffline } from "./presence.store.ts";
import { PresencePublisher } from "./presence-publisher.ts";
import { type PresenceSocket, PresenceSockets } from "./presence-sockets.ts";

/** What other domains need from presence: activity that keeps a user online. Cheap, never awaited. */
export interface ActivitySink {
  activity(userId: string): void;
}

export type { PresenceSocket };

/** users.last_activity is written at most once per interval per user and instance (plus once when going offline). */
const PERSIST_INTERVAL_MS = 60_000;

/** Ordering lists online-first reads at most this many online users (past it, the least recent count as offline). */
const ONLINE_IDS_MAX = 10_000;

export interface PresenceDeps {
  store: PresenceStore;
  prisma: PrismaClient;
  sql: Sql;
  bus: EventBus;
  logger: Logger;
  settings: PresenceSettings;
}

/** Builds the store for the mode: Redis when `redis` is given (shared), else in this process. */
export function createPresence(
  deps: Omit<PresenceDeps, "store"> & { redis: Redis | undefined; keyPrefix?: string },
): PresenceService {
  const expiryMs = deps.settings.heartbeat * 1000 * HEARTBEAT_EXPIRY_FACTOR;
  const store = deps.redis
    ? new RedisPresenceStore(deps.redis, randomUUID(), expiryMs, deps.keyPrefix)
    : new MemoryPresenceStore();
  return new PresenceService({ ...deps, store });
}

/**
 * Presence (protocol §7): online while a user has an open socket or was active recently. Going online or
 * offline is published once, on the shared `presence` topic, by whichever instance saw the transition.
 *
 * Hot paths stay cheap: activity is batched per event-loop turn into one store call (no await on the
 * caller's side), and users.last_activity is written in batches at most once a minute per user.
 */
export class PresenceService implements ActivitySink {
  private readonly batcher = new ActivityBatcher((userIds) => this.touch(userIds));
  private readonly log: ActivityLog;
  private readonly publisher: PresencePublisher;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sockets: PresenceSockets;
  private state: "running" | "stopped" | "killed" = "running";
  /** Shared by every operation (a presence event's K subscribers cost one lookup), uncached: presence moves. */
  private readonly live: DataLoader<string, number | null>;
  private readonly saved: DataLoader<string, Date>;

  constructor(private readonly deps: PresenceDeps) {
    this.log = new ActivityLog(deps.sql);
    this.publisher = new PresencePublisher(deps.prisma, deps.bus, deps.logger);
    this.sockets = new PresenceSockets({
      store: deps.store,
      log: this.log,
      logger: deps.logger,
      running: () => this.state === "running",
      publish: (changes) => this.publisher.publish(changes),
      wentOffline: (gone) => this.wentOffline(gone),
      track: (promise) => this.track(promise),
    });
    this.live = new DataLoader((ids) => this.lastActivity(ids), processWide());
    this.saved = new DataLoader(async (ids) => {
      const rows = await deps.prisma.user.findMany({
        where: { id: { in: [...new Set(ids)] } },
        select: { id: true, lastActivity: true },
      });
      const byId = new Map(rows.map((row) => [row.id, row.lastActivity]));
      return ids.map((id) => byId.get(id) ?? new Error(`User ${id} not found`));
    }, processWide());
  }

  /** Registers this instance, then schedules the heartbeat, the sweep and the last_activity writes. */
  async start(scheduler: Scheduler): Promise<void> {
    // If the store is unreachable now, the heartbeat registers later and sockets wait for it (OPEN_WAIT_MS).
    await this.sockets.register().catch((error: unknown) => {
      this.deps.logger.error({ err: error }, "presence: registering this instance failed");
    });
    const { heartbeat, sweepInterval } = this.deps.settings;
    scheduler.every(heartbeat * 1000, "presence-heartbeat", () => this.heartbeat(), { perInstance: true });
    scheduler.every(sweepInterval * 1000, "presence-sweep", () => this.sweep());
    scheduler.every(PERSIST_INTERVAL_MS, "presence-persist", () => this.persistActivity(), { perInstance: true });
  }

  /** A socket of `userId` opened (graphql-ws now, the legacy bridge later): counts as activity. */
  openSocket(userId: string): PresenceSocket {
    return this.sockets.open(userId);
  }

  /** Activity that keeps a user online (an authenticated HTTP request, a message, a like). Never throws. */
  activity(userId: string): void {
    if (this.state === "running") this.batcher.add(userId);
  }

  /** For each user, their last activity if online, else null: one store round trip for all of them. */
  lastActivity(userIds: readonly string[]): Promise<(number | null)[]> {
    return this.deps.store.lastActivity(userIds);
  }

  /** `lastActivity` of one user, batched with every other lookup of this turn in the process. */
  liveActivity(userId: string): Promise<number | null> {
    return this.live.load(userId);
  }

  /** The user's last activity as this instance knows it best, for an offline user whose row is not at hand. */
  async savedActivity(userId: string, stored?: Date): Promise<Date> {
    const saved = stored ?? (await this.saved.load(userId));
    const unsaved = this.log.unsaved(userId) ?? 0;
    return unsaved > saved.getTime() ? new Date(unsaved) : saved;
  }

  /** Everyone online now (at most ONLINE_IDS_MAX, most recently active first): to list them first. */
  async onlineIds(): Promise<string[]> {
    return (await this.deps.store.onlineUsers(0, ONLINE_IDS_MAX)).ids;
  }

  /** Online users, most recently active first. */
  async onlineUsers(window: PageWindow): Promise<{ nodes: User[]; totalCount: number; hasNextPage: boolean }> {
    const { ids, total } = await this.deps.store.onlineUsers(window.skip, window.take);
    const rows = await this.deps.prisma.user.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const nodes = ids.map((id) => byId.get(id)).filter((row) => row !== undefined);
    return { nodes, totalCount: total, hasNextPage: window.skip + ids.length < total };
  }

  /**
   * Takes offline the users of instances whose heartbeat expired and everyone idle for longer than the
   * inactivity setting. Scheduled (once per cluster) and called by the cron endpoint. Returns how many.
   */
  async sweep(): Promise<number> {
    if (this.state !== "running") return 0;
    const now = Date.now();
    const gone = await this.deps.store.sweep(now, now - this.deps.settings.inactivity * 1000);
    this.wentOffline(gone);
    await this.publisher.idle();
    return gone.length;
  }

  /** Renews this instance's records; re-creates them if they had expired (a long pause, a partition). */
  async heartbeat(): Promise<void> {
    if (this.state !== "running") return;
    if (await this.deps.store.heartbeat(Date.now())) return;
    this.deps.logger.warn("presence records of this instance had expired; restoring them");
    await this.sockets.register();
  }

  /** Writes pending last activities to users.last_activity, in one statement per few thousand users. */
  persistActivity(): Promise<void> {
    return this.log.flush();
  }

  /**
   * Graceful shutdown: removes this instance's socket records at once (their users go offline unless they
   * have sockets elsewhere) and writes pending activity. Later socket events are ignored.
   */
  async stop(): Promise<void> {
    if (this.state !== "running") return;
    this.batcher.run();
    this.state = "stopped";
    await this.settled();
    try {
      this.wentOffline(await this.deps.store.removeInstance());
    } catch (error) {
      this.deps.logger.error({ err: error }, "presence: removing this instance's records failed");
    }
    this.sockets.forget();
    await this.settled();
    await this.persistActivity().catch((error: unknown) => {
      this.deps.logger.error({ err: error }, "presence: writing last activity failed");
    });
  }

  /** Tests: behave like a crashed process from now on (no cleanup, no heartbeat, nothing written). */
  kill(): void {
    this.state = "killed";
    this.batcher.drop();
    this.log.drop();
  }

  /** Open sockets of `userId` on this instance. */
  localSockets(userId: string): number {
    return this.sockets.count(userId);
  }

  /** Resolves once every store call and event started so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const publishing = this.publisher.idle();
      if (this.batcher.waiting) await new Promise<void>((resolve) => setImmediate(resolve));
      else if (this.inFlight.size > 0) await Promise.all(this.inFlight);
      else if (publishing) await publishing;
      else return;
    }
  }

  /** The users active during one event-loop turn: one store call, and ONLINE for those it brought online. */
  private touch(userIds: string[]): void {
    if (this.state !== "running") return;
    const now = Date.now();
    for (const userId of userIds) this.log.note(userId, now);
    void this.track(
      this.deps.store.touch(userIds, now).then(
        (online) => this.publisher.publish(online.map((userId) => ({ userId, status: "ONLINE", lastActivity: now }))),
        (error: unknown) => this.deps.logger.error({ err: error }, "presence: recording activity failed"),
      ),
    );
  }

  /** Offline users' last activity is written right away, so every instance reads it exactly. */
  private wentOffline(gone: WentOffline[]): void {
    if (gone.length === 0) return;
    const entries: [string, number][] = gone.map(({ userId, lastActivity }) => [
      userId,
      this.log.take(userId, lastActivity),
    ]);
    void this.track(
      this.log.write(entries).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, "presence: writing last activity failed");
      }),
    );
    this.publisher.publish(gone.map(({ userId, lastActivity }) => ({ userId, status: "OFFLINE", lastActivity })));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = () => void this.inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }
}
