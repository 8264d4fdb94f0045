// npm run bench:fanout — how fast a new tournament is announced to every user, and retracted again.
// Writes BENCH_USERS users with SQL, creates a tournament through TournamentsService (the code createTournament
// runs), times its background fan-out (NEW_TOURNAMENT rows written and published in batches) until it is idle,
// then the retraction that cancelTournament starts. Prints rows/second and checks every other user got exactly one.
// Env: BENCH_USERS (20000), BENCH_ONLINE (1000: users whose inbox is subscribed, to count live deliveries),
// BENCH_BATCH (1000). DATABASE_URL: PostgreSQL (a fresh database, dropped at the end) instead of PGlite;
// REDIS_URL: Redis pub/sub instead of in-memory.
import { randomBytes } from "node:crypto";
import { createDb } from "@parley/db";
import pg from "pg";
import { NotificationsService } from "../src/domains/notifications/notifications.service.ts";
import { FAN_OUT_BATCH, TournamentsService } from "../src/domains/tournaments/tournaments.service.ts";
import { createLogger } from "../src/infra/logger.ts";
import { createRateLimits, DEFAULT_RATE_LIMITS } from "../src/infra/rate-limit.ts";
import { createEventBus } from "../src/realtime/event-bus.ts";
import { topics } from "../src/realtime/topics.ts";

const userCount = Number(process.env.BENCH_USERS ?? 20_000);
const onlineCount = Math.min(Number(process.env.BENCH_ONLINE ?? 1000), userCount - 1);
const batchSize = Number(process.env.BENCH_BATCH ?? FAN_OUT_BATCH);
const adminUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;

const database = adminUrl ? await freshDatabase(adminUrl) : undefined;
const db = await createDb({ databaseUrl: database?.url, dataDir: "memory://" });
const logger = createLogger("warn");
const bus = createEventBus(redisUrl, logger);
const notifications = new NotificationsService(db.prisma, bus, logger);
// one tournament: the default limits never refuse it
const limits = createRateLimits(undefined, DEFAULT_RATE_LIMITS);
const tournaments = new TournamentsService(db.prisma, db.sql, notifications, logger, limits, batchSize);
const seconds = (since: number) => (performance.now() - since) / 1000;
const perSecond = (rows: number, since: number) => Math.round(rows / seconds(since)).toLocaleString("en-US");

console.log(
  `tournament fan-out: ${db.kind === "pglite" ? "PGlite (embedded)" : "PostgreSQL"}, ` +
    `${redisUrl ? "Redis" : "in-memory"} pub/sub, batches of ${batchSize}`,
);

let started = performance.now();
for (let from = 1; from <= userCount; from += 10_000) {
  await db.sql.query(
    `INSERT INTO users (id, username, username_key, email, nickname, nickname_key, password_hash)
     SELECT gen_random_uuid(), 'b' || g, 'b' || g, 'b' || g || '@bench.local', 'b' || g, 'b' || g, 'x'
     FROM generate_series($1::int, $2::int) g`,
    [from, Math.min(from + 9_999, userCount)],
  );
}
const ids = (await db.sql.query<{ id: string }>("SELECT id FROM users ORDER BY username")).map((row) => row.id);
console.log(`users:    ${userCount.toLocaleString("en-US")} written with SQL in ${seconds(started).toFixed(2)} s`);

// Online users: their inbox subscriptions count what is delivered live.
const creator = ids[0] as string;
const online = ids.slice(1, 1 + onlineCount);
const delivered = { created: 0, updated: 0 };
const streams = online.map((id) => bus.subscribe(topics.inbox(id)));
await Promise.all(
  streams.map(async (stream) => {
    await stream.next(); // STREAM_READY: live from here
    void (async () => {
      for await (const event of stream) {
        if (event.kind === "NOTIFICATION_CREATED") delivered.created++;
        if (event.kind === "NOTIFICATION_UPDATED") delivered.updated++;
      }
    })();
  }),
);

started = performance.now();
const tournament = await tournaments.create(creator, { name: "Bench cup", requiredParticipants: 8, alias: "bench" });
const createdIn = seconds(started) * 1000;
await tournaments.whenIdle();
const announced = Number(
  (
    await db.sql.query<{ count: string }>(
      "SELECT count(DISTINCT receiver_id) AS count FROM notifications WHERE tournament_id = $1::uuid",
      [tournament.id],
    )
  )[0]?.count,
);
console.log(
  `announce: ${announced.toLocaleString("en-US")} notifications written and published in ` +
    `${seconds(started).toFixed(2)} s = ${perSecond(announced, started)} rows/s ` +
    `(createTournament returned after ${createdIn.toFixed(0)} ms)`,
);

started = performance.now();
await tournaments.cancel(creator, tournament.id);
await tournaments.whenIdle();
const [retracted] = await db.sql.query<{ read: string; total: string }>(
  "SELECT count(*) FILTER (WHERE is_read) AS read, count(*) AS total FROM notifications WHERE tournament_id = $1::uuid",
  [tournament.id],
);
console.log(
  `retract:  ${Number(retracted?.read).toLocaleString("en-US")} notifications read and published in ` +
    `${seconds(started).toFixed(2)} s = ${perSecond(Number(retracted?.read), started)} rows/s`,
);

// Pub/sub is at-most-once and asynchronous: give the last deliveries a moment (Redis) before counting.
const deadline = Date.now() + 5000;
while ((delivered.created < onlineCount || delivered.updated < onlineCount) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
console.log(`live:     ${onlineCount} online inboxes got ${delivered.created} created / ${delivered.updated} updated`);

const ok =
  announced === userCount - 1 &&
  Number(retracted?.total) === userCount - 1 &&
  Number(retracted?.read) === userCount - 1 &&
  delivered.created === onlineCount &&
  delivered.updated === onlineCount;
console.log(ok ? "check:    every other user got exactly one, all retracted" : "check:    FAILED");

await Promise.all(streams.map((stream) => stream.return(undefined)));
await tournaments.stop();
await bus.close();
await db.close();
await database?.drop();
process.exit(ok ? 0 : 1);

async function freshDatabase(url: string) {
  const name = `parley_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
