import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient, Sql, Tournament, TournamentStatus } from "@parley/db";
import { badInput, conflict, forbidden, notFound } from "../../graphql/errors.ts";
import type { Logger } from "../../infra/logger.ts";
import type { RateLimits } from "../../infra/rate-limit.ts";
import { isUuid, storableText, textProblem } from "../../infra/validation.ts";
import { isEngaged, lockGameActivity } from "../games/engagement.ts";
import { type GameSettings, parseGameSettings } from "../games/game-settings.ts";
import {
  actorData,
  NOTIFICATION_COLUMNS,
  type NotificationSqlRow,
  type NotificationsService,
  payloadFromSql,
} from "../notifications/notifications.service.ts";
import { eitherBlockedSql } from "../users/blocks.ts";
import { publicUserSelect } from "../users/users.service.ts";

export const TOURNAMENT_SIZES: readonly number[] = [4, 8];
export const MAX_TOURNAMENT_NAME = 50;
export const MAX_ALIAS = 12;
/** Rows inserted (and events published) per fan-out statement. */
export const FAN_OUT_BATCH = 1000;

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export interface CreateTournamentInput {
  name: string;
  requiredParticipants: number;
  alias: string;
  settings?: Record<string, unknown> | null;
}

type TournamentQuery = { include?: Prisma.TournamentInclude; select?: Prisma.TournamentSelect };

/** The data of a NEW_TOURNAMENT notification (protocol §4.10, §6.1). */
export interface NewTournamentData {
  username: string;
  nickname: string;
  avatar: string;
  tournamentId: string;
  tournamentName: string;
  alias: string;
  /** OPEN; set to the new status when the tournament leaves OPEN (the notification is then retracted) */
  status: TournamentStatus;
}

/**
 * Tournaments, as far as announcing them goes: creation (with the creator as first participant), then a
 * NEW_TOURNAMENT notification for every other user, written and pushed in batches in the background;
 * cancelling or closing retracts them. Background work is tracked: `whenIdle()` waits for it, `stop()`
 * ends it at the next batch.
 */
export class TournamentsService {
  private readonly jobs = new Set<Promise<void>>();
  /** announcements running in this process, by tournament: a retraction waits for its announcement */
  private readonly announcing = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly notifications: NotificationsService,
    private readonly logger: Logger,
    private readonly limits: RateLimits,
    private readonly batchSize = FAN_OUT_BATCH,
  ) {}

  /**
   * Creates the tournament and makes the creator its first participant, unless they are engaged in game
   * activity. Returns once it is committed; the announcement to every other user runs in the background.
   * Rate-limited per user after the input checks: each creation writes one notification per user.
   */
  async create(viewerId: string, input: CreateTournamentInput, query: TournamentQuery = {}): Promise<Tournament> {
    const fields = checkTournamentInput(input);
    await this.limits.consume("createTournament", viewerId);
    const id = randomUUID();
    const { tournament, creator } = await this.prisma.$transaction(async (tx) => {
      await lockGameActivity(tx, [viewerId]);
      if (await isEngaged(tx, viewerId)) {
        throw forbidden("You are already in a game, a tournament or a pending invitation.");
      }
      const creator = await tx.user.findUniqueOrThrow({ where: { id: viewerId }, select: publicUserSelect });
      const tournament = await tx.tournament.create({
        ...query,
        data: {
          id,
          name: fields.name,
          creatorId: viewerId,
          requiredParticipants: fields.requiredParticipants,
          settings: fields.settings,
          participants: { create: { userId: viewerId, alias: fields.alias } },
        },
      });
      return { tournament, creator };
    });
    const announcement = this.background("announce tournament", () =>
      this.announce(id, viewerId, {
        ...actorData(creator),
        tournamentId: id,
        tournamentName: fields.name,
        alias: fields.alias,
        status: "OPEN",
      }),
    );
    this.announcing.set(id, announcement);
    void announcement.then(() => this.announcing.delete(id));
    return tournament;
  }

  /** The creator cancels an open tournament: its announcements are read and no longer listed. */
  cancel(viewerId: string, tournamentId: string, query: TournamentQuery = {}): Promise<Tournament> {
    return this.endRegistration(viewerId, tournamentId, "CANCELLED", query);
  }

  /** The creator closes registration: the tournament starts (ONGOING) and its announcements are retracted. */
  close(viewerId: string, tournamentId: string, query: TournamentQuery = {}): Promise<Tournament> {
    return this.endRegistration(viewerId, tournamentId, "ONGOING", query);
  }

  /**
   * Writes a NEW_TOURNAMENT notification for every user but the creator and those separated from them by a
   * block in either direction (as eitherBlocked), `batchSize` at a time (keyset over
   * users.id, INSERT … SELECT … RETURNING, never all users in memory), and pushes each batch to its
   * receivers. Each statement inserts only while the tournament is OPEN, under a share lock on its row, so a
   * cancel or close that commits in between stops it and leaves no unread announcement behind. Resolves with
   * the number of notifications written.
   */
  async announce(tournamentId: string, creatorId: string, data: NewTournamentData): Promise<number> {
    let after = NIL_UUID;
    let written = 0;
    while (!this.stopping) {
      const rows = await this.sql.query<NotificationSqlRow>(ANNOUNCE_BATCH, [
        tournamentId,
        creatorId,
        JSON.stringify(data),
        after,
        this.batchSize,
      ]);
      written += rows.length;
      await this.notifications.publishCreated(rows.map(payloadFromSql));
      if (rows.length < this.batchSize) break;
      after = maxId(rows.map((row) => row.receiver_id));
    }
    return written;
  }

  /**
   * Marks every announcement of a tournament that left OPEN read, with `data.status` set to its new status,
   * `batchSize` at a time (keyset over notifications.id), and pushes each batch as NOTIFICATION_UPDATED, so
   * every receiver's client drops it, read or not. Resolves with the number of notifications updated.
   */
  async retract(tournamentId: string, status: Exclude<TournamentStatus, "OPEN">): Promise<number> {
    let after = NIL_UUID;
    let updated = 0;
    while (!this.stopping) {
      const rows = await this.sql.query<NotificationSqlRow>(RETRACT_BATCH, [
        tournamentId,
        after,
        this.batchSize,
        status,
      ]);
      updated += rows.length;
      await this.notifications.publishUpdated(rows.map(payloadFromSql));
      if (rows.length < this.batchSize) break;
      after = maxId(rows.map((row) => row.id));
    }
    return updated;
  }

  /** Resolves when no background fan-out is running (tests, benchmarks, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all(this.jobs);
  }

  /** Ends running fan-outs after their current batch, refuses new ones, and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.whenIdle();
  }

  private async endRegistration(
    viewerId: string,
    tournamentId: string,
    status: "CANCELLED" | "ONGOING",
    query: TournamentQuery,
  ): Promise<Tournament> {
    if (!isUuid(tournamentId)) throw notFound("Tournament not found.");
    // Conditional update: the row lock waits for an announcement batch in flight, and only one caller wins.
    const [changed] = await this.prisma.tournament.updateManyAndReturn({
      where: { id: tournamentId, creatorId: viewerId, status: "OPEN" },
      data: { status },
      select: { id: true },
    });
    if (!changed) {
      const tournament = await this.prisma.tournament.findUnique({ where: { id: tournamentId } });
      if (!tournament) throw notFound("Tournament not found.");
      if (tournament.creatorId !== viewerId) throw forbidden("Only the creator can do this.");
      throw conflict("The tournament is no longer open.");
    }
    // Its announcement may still be publishing a batch written before the status changed: let it finish first,
    // so no receiver sees a NOTIFICATION_CREATED after the NOTIFICATION_UPDATED that retracts it.
    const announcement = this.announcing.get(tournamentId);
    this.background("retract tournament", async () => {
      await announcement;
      return this.retract(tournamentId, status);
    });
    return this.prisma.tournament.findUniqueOrThrow({ ...query, where: { id: tournamentId } });
  }

  /** Runs `job` without awaiting it: tracked for whenIdle/stop, errors logged; the promise never rejects. */
  private background(name: string, job: () => Promise<unknown>): Promise<void> {
    if (this.stopping) {
      this.logger.warn({ job: name }, "shutting down: background job not started");
      return Promise.resolve();
    }
    const started = Date.now();
    const promise: Promise<void> = job()
      .then((rows) => this.logger.debug({ job: name, rows, ms: Date.now() - started }, "background job done"))
      .catch((error: unknown) => this.logger.error({ err: error, job: name }, "background job failed"))
      .finally(() => this.jobs.delete(promise));
    this.jobs.add(promise);
    return promise;
  }
}

/** Validates and normalises creation input; each invalid field is BAD_USER_INPUT naming it. */
export function checkTournamentInput(input: CreateTournamentInput): {
  name: string;
  requiredParticipants: number;
  alias: string;
  settings: GameSettings;
} {
  const name = input.name.trim();
  const nameProblem = textProblem(NAME_TEXT, name);
  if (nameProblem) throw badInput(`A tournament name ${nameProblem}.`, "name");
  if (!TOURNAMENT_SIZES.includes(input.requiredParticipants)) {
    throw badInput(`requiredParticipants must be ${TOURNAMENT_SIZES.join(" or ")}.`, "requiredParticipants");
  }
  const alias = input.alias.trim();
  const aliasProblem = textProblem(ALIAS_TEXT, alias);
  if (aliasProblem) throw badInput(`An alias ${aliasProblem}.`, "alias");
  return { name, requiredParticipants: input.requiredParticipants, alias, settings: parseGameSettings(input.settings) };
}

const NAME_TEXT = storableText({ max: MAX_TOURNAMENT_NAME, noControls: true });
const ALIAS_TEXT = storableText({ max: MAX_ALIAS, noControls: true });

/** PostgreSQL orders uuids bytewise: the same order as their lower-case text. */
function maxId(ids: string[]): string {
  let max = NIL_UUID; // strings, so not Math.max
  for (const id of ids) if (id > max) max = id;
  return max;
}

const ANNOUNCE_BATCH = `
WITH open_tournament AS (
  SELECT id FROM tournaments WHERE id = $1::uuid AND status = 'OPEN' FOR SHARE
), receivers AS (
  SELECT u.id FROM users u
  WHERE u.id > $4::uuid AND u.id <> $2::uuid
    AND NOT ${eitherBlockedSql("u.id", "$2::uuid")}
  ORDER BY u.id LIMIT $5::int
)
INSERT INTO notifications (id, receiver_id, actor_id, kind, data, tournament_id)
SELECT gen_random_uuid(), r.id, $2::uuid, 'NEW_TOURNAMENT', $3::jsonb, t.id
FROM receivers r CROSS JOIN open_tournament t
RETURNING ${NOTIFICATION_COLUMNS}`;

const RETRACT_BATCH = `
UPDATE notifications SET is_read = true, data = data || jsonb_build_object('status', $4::text)
WHERE id IN (
  SELECT id FROM notifications WHERE tournament_id = $1::uuid AND id > $2::uuid ORDER BY id LIMIT $3::int
)
RETURNING ${NOTIFICATION_COLUMNS}`;
