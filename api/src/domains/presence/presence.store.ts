/** A user whose presence just ended, with their last activity (epoch ms). */
export interface WentOffline {
  userId: string;
  lastActivity: number;
}

/**
 * Who is online, shared by every instance (Redis) or kept in this process (embedded). A user is online from
 * their first activity (socket connect, authenticated HTTP request, message, like) until their last socket
 * closes or the inactivity sweep finds them idle. Open sockets are counted per instance, so the records of an
 * instance that dies without cleaning up expire with its heartbeat.
 *
 * Every method is one atomic step (one Lua script in Redis), so concurrent instances never disagree on who
 * went online or offline: each transition is reported to exactly one caller, which publishes it.
 */
export interface PresenceStore {
  /**
   * Registers or renews this instance's connection records. Returns false when it was not registered: on the
   * first call, or when its records expired and were reaped (then call `restore`).
   */
  heartbeat(now: number): Promise<boolean>;
  /** Re-creates this instance's connection records after a reap; returns the users that went online again. */
  restore(connections: ReadonlyMap<string, number>, now: number): Promise<string[]>;
  /**
   * A socket of `userId` opened on this instance; counts as activity. true: the user went online. null: this
   * instance is not registered (its records were reaped), nothing was recorded.
   */
  connect(userId: string, now: number): Promise<boolean | null>;
  /** A socket closed: the user's last one anywhere makes them offline. */
  disconnect(userId: string): Promise<WentOffline | null>;
  /** Activity of these users at `now`; returns those who went online. */
  touch(userIds: readonly string[], now: number): Promise<string[]>;
  /** For each user: the last activity (epoch ms) if online, else null. One round trip for all of them. */
  lastActivity(userIds: readonly string[]): Promise<(number | null)[]>;
  /** Online users, most recently active first. */
  onlineUsers(skip: number, take: number): Promise<{ ids: string[]; total: number }>;
  /**
   * Reaps the connection records of instances whose heartbeat expired (their users' sockets are gone), then
   * takes offline everyone whose last activity is before `inactiveBefore`, open sockets or not.
   */
  sweep(now: number, inactiveBefore: number): Promise<WentOffline[]>;
  /** Graceful shutdown: removes this instance's connection records at once. */
  removeInstance(): Promise<WentOffline[]>;
}

/** Embedded mode: one process, so no instances and no heartbeat; the state dies with the process. */
export class MemoryPresenceStore implements PresenceStore {
  /** online users → last activity (epoch ms) */
  private readonly online = new Map<string, number>();
  /** users with open sockets → how many */
  private readonly sockets = new Map<string, number>();

  async heartbeat(): Promise<boolean> {
    return true;
  }

  async restore(): Promise<string[]> {
    return [];
  }

  async connect(userId: string, now: number): Promise<boolean> {
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
    return this.touchOne(userId, now);
  }

  async disconnect(userId: string): Promise<WentOffline | null> {
    const left = (this.sockets.get(userId) ?? 0) - 1;
    if (left > 0) {
      this.sockets.set(userId, left);
      return null;
    }
    this.sockets.delete(userId);
    return this.takeOffline(userId);
  }

  async touch(userIds: readonly string[], now: number): Promise<string[]> {
    return userIds.filter((userId) => this.touchOne(userId, now));
  }

  async lastActivity(userIds: readonly string[]): Promise<(number | null)[]> {
    return userIds.map((userId) => this.online.get(userId) ?? null);
  }

  async onlineUsers(skip: number, take: number): Promise<{ ids: string[]; total: number }> {
    const ids = [...this.online]
      .sort(([idA, a], [idB, b]) => b - a || (idA < idB ? 1 : -1))
      .slice(skip, skip + take)
      .map(([id]) => id);
    return { ids, total: this.online.size };
  }

  async sweep(_now: number, inactiveBefore: number): Promise<WentOffline[]> {
    const idle = [...this.online].filter(([, lastActivity]) => lastActivity < inactiveBefore);
    return idle.map(([userId]) => this.takeOffline(userId) as WentOffline);
  }

  async removeInstance(): Promise<WentOffline[]> {
    const users = [...this.sockets.keys()];
    this.sockets.clear();
    return users.map((userId) => this.takeOffline(userId)).filter((gone) => gone !== null);
  }

  private touchOne(userId: string, now: number): boolean {
    const last = this.online.get(userId);
    this.online.set(userId, Math.max(last ?? 0, now));
    return last === undefined;
  }

  private takeOffline(userId: string): WentOffline | null {
    const lastActivity = this.online.get(userId);
    if (lastActivity === undefined) return null;
    this.online.delete(userId);
    return { userId, lastActivity };
  }
}
