import type { Logger } from "../../infra/logger.ts";
import type { ActivityLog } from "./activity-log.ts";
import type { PresenceStore, WentOffline } from "./presence.store.ts";
import type { Change } from "./presence-publisher.ts";

/**
 * One open socket. `opened` settles (never rejects) once it is recorded, or after OPEN_WAIT_MS if the store is
 * slow (connecting never waits on presence for long); `close()` runs after the record, whenever that is.
 */
export interface PresenceSocket {
  readonly opened: Promise<void>;
  close(): Promise<void>;
}

const OPEN_WAIT_MS = 2000;

export interface SocketDeps {
  store: PresenceStore;
  log: ActivityLog;
  logger: Logger;
  /** false once the instance stopped or was killed: later socket events change nothing */
  running(): boolean;
  publish(changes: Change[]): void;
  wentOffline(gone: WentOffline[]): void;
  /** keeps a store call in `settled()` until it is done */
  track<T>(promise: Promise<T>): Promise<T>;
}

/**
 * The sockets of this instance: counted here per user (what `restore` re-creates if the store reaped our
 * records) and in the store, which reports the transitions (first socket anywhere, last one closed).
 */
export class PresenceSockets {
  private readonly local = new Map<string, number>();
  private registering: Promise<void> | undefined;

  constructor(private readonly deps: SocketDeps) {}

  open(userId: string): PresenceSocket {
    if (!this.deps.running()) return { opened: Promise.resolve(), close: () => Promise.resolve() };
    // The local count changes when the store command is sent, so `restore` always sees what Redis saw.
    this.local.set(userId, (this.local.get(userId) ?? 0) + 1);
    const recorded = this.deps.track(this.recordOpen(userId));
    let closing: Promise<void> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, OPEN_WAIT_MS);
    });
    return {
      opened: Promise.race([recorded, bounded]).finally(() => clearTimeout(timer)),
      close: () => {
        closing ??= this.deps.track(recorded.then(() => this.recordClose(userId)));
        return closing;
      },
    };
  }

  /** Open sockets of `userId` on this instance. */
  count(userId: string): number {
    return this.local.get(userId) ?? 0;
  }

  /** After a graceful stop: the store no longer holds them. */
  forget(): void {
    this.local.clear();
  }

  /** Single-flight: registers the instance, re-creating its socket records if they are unknown to the store. */
  register(): Promise<void> {
    this.registering ??= (async () => {
      try {
        const now = Date.now();
        if (await this.deps.store.heartbeat(now)) return;
        const online = await this.deps.store.restore(new Map(this.local), now);
        this.deps.publish(online.map((userId) => ({ userId, status: "ONLINE", lastActivity: now })));
      } finally {
        this.registering = undefined;
      }
    })();
    return this.registering;
  }

  private async recordOpen(userId: string): Promise<void> {
    const now = Date.now();
    try {
      const wentOnline = await this.deps.store.connect(userId, now);
      this.deps.log.note(userId, now);
      // null: our records were reaped; re-registering restores them, this socket included.
      if (wentOnline === null) await this.register();
      else if (wentOnline) this.deps.publish([{ userId, status: "ONLINE", lastActivity: now }]);
    } catch (error) {
      this.deps.logger.error({ err: error, userId }, "presence: recording a socket failed");
    }
  }

  private async recordClose(userId: string): Promise<void> {
    // After a graceful stop the instance's records are gone already; a killed instance leaves them to expire.
    if (!this.deps.running()) return;
    const left = (this.local.get(userId) ?? 0) - 1;
    if (left > 0) this.local.set(userId, left);
    else this.local.delete(userId);
    try {
      const gone = await this.deps.store.disconnect(userId);
      if (gone) this.deps.wentOffline([gone]);
    } catch (error) {
      this.deps.logger.error({ err: error, userId }, "presence: recording a closed socket failed");
    }
  }
}
