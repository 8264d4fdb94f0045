import type { PrismaClient } from "@parley/db";
import type { Logger } from "../../infra/logger.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { playingAmong } from "../games/playing.ts";
import { publicUserSelect } from "../users/users.service.ts";
import { type PresenceStatus, publishPresence } from "./presence.events.ts";

/** A transition one store call reported to this instance: it publishes it, no other instance does. */
export interface Change {
  userId: string;
  status: PresenceStatus;
  /** epoch ms */
  lastActivity: number;
}

/** Profiles looked up per query when publishing many changes at once (a sweep, a mass reconnect). */
const PUBLISH_BATCH = 1000;

/**
 * Publishes presence changes in order, per instance (a user's OFFLINE published here never overtakes their
 * later ONLINE), and in batches: one profile query and one live-game query for all the changes waiting, however
 * many. The profile and the presence go inline, so no receiver queries.
 */
export class PresencePublisher {
  private readonly outbox: (Change & { at: string })[] = [];
  private publishing: Promise<void> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  publish(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    const at = new Date().toISOString();
    for (const change of changes) this.outbox.push({ ...change, at });
    this.publishing ??= (async () => {
      try {
        while (this.outbox.length > 0) await this.publishBatch(this.outbox.splice(0, PUBLISH_BATCH));
      } finally {
        this.publishing = undefined;
      }
    })();
  }

  /** Resolves once everything handed to `publish` so far is out. */
  idle(): Promise<void> | undefined {
    return this.publishing;
  }

  private async publishBatch(changes: (Change & { at: string })[]): Promise<void> {
    try {
      const ids = changes.map((change) => change.userId);
      const [users, playing] = await Promise.all([
        this.prisma.user.findMany({ where: { id: { in: ids } }, select: publicUserSelect }),
        playingAmong(this.prisma, ids),
      ]);
      const byId = new Map(users.map((user) => [user.id, user]));
      await Promise.all(
        changes.map(async ({ userId, status, lastActivity, at }) => {
          const profile = byId.get(userId);
          if (!profile) return;
          const presence = {
            isOnline: status === "ONLINE",
            lastActivity: new Date(lastActivity).toISOString(),
            inGame: playing.has(userId),
          };
          await publishPresence(this.bus, { kind: "PRESENCE_CHANGED", at, status, user: { ...profile, presence } });
        }),
      );
    } catch (error) {
      this.logger.error({ err: error, changes: changes.length }, "presence: publishing failed");
    }
  }
}
