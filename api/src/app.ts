import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createBridge, staticSite } from "@parley/bridge";
import { createDb, type Db, readMigrations } from "@parley/db";
import type { Config } from "./config.ts";
import { ChatService } from "./domains/chat/chat.service.ts";
import { MessageEditsService } from "./domains/chat/edits/edits.service.ts";
import { ReactionsService } from "./domains/chat/reactions/reactions.service.ts";
import { ReceiptsService } from "./domains/chat/receipts/receipts.service.ts";
import { GamesService } from "./domains/games/games.service.ts";
import { GroupsService } from "./domains/groups/groups.service.ts";
import { InvitationsService } from "./domains/invitations/invitations.service.ts";
import { MediaService } from "./domains/media/media.service.ts";
import { mediaSettings } from "./domains/media/media.settings.ts";
import { openBlobStore } from "./domains/media/media.store.ts";
import { NotificationsService } from "./domains/notifications/notifications.service.ts";
import { cronRoute } from "./domains/presence/presence.cron.ts";
import { createPresence } from "./domains/presence/presence.service.ts";
import { TournamentsService } from "./domains/tournaments/tournaments.service.ts";
import { AuthService } from "./domains/users/auth.service.ts";
import { Sessions } from "./domains/users/sessions.ts";
import { UsersService } from "./domains/users/users.service.ts";
import type { Services } from "./graphql/context.ts";
import { opsPlugin } from "./graphql/ops-plugin.ts";
import { attachGraphqlWs } from "./graphql/ws.ts";
import { createParleyYoga } from "./graphql/yoga.ts";
import { withOps } from "./http/ops-routes.ts";
import { databaseChecks, redisCheck } from "./http/readiness.ts";
import { TokenService } from "./infra/auth.ts";
import { DEFAULT_SHUTDOWN_TIMEOUT_S, Drain, until } from "./infra/drain.ts";
import { createLogger, type Logger } from "./infra/logger.ts";
import { countingRefusals, createMetrics, type Metrics } from "./infra/metrics.ts";
import { createOriginPolicy } from "./infra/origin-policy.ts";
import { createRateLimits } from "./infra/rate-limit.ts";
import { createScheduler } from "./infra/scheduler.ts";
import { inProcessExecutor } from "./legacy/in-process.ts";
import { closeRedis, connectRedis, createEventBus, type EventBus } from "./realtime/event-bus.ts";
import { withChannelPrefix } from "./realtime/topics.ts";

export interface App {
  /** Listens on `port` (0 = any free port) and resolves with the bound port. */
  start(port?: number, host?: string): Promise<number>;
  /**
   * Graceful stop: refuses new connections, requests and operations (and /ready says 503), lets running
   * ones finish and their events reach the sockets (bounded by `shutdownTimeout`), then closes sockets
   * with 1001 so clients reconnect elsewhere.
   */
  stop(): Promise<void>;
  /** Tests: stop like a crashed process: no presence cleanup, no more heartbeats (its records expire). */
  kill(): Promise<void>;
  logger: Logger;
  metrics: Metrics;
  bus: EventBus;
  /** Resolves once background work (tournament announcements) has finished: for tests and benchmarks. */
  whenIdle(): Promise<void>;
  /** The domain services: for in-process jobs (invitations.expireInvitations) and tests. */
  services: Services;
  /** For tests that check stored state or count queries (`prisma.$on("query", …)`, with `queryEvents`). */
  prisma: Db["prisma"];
}

/** How often pending duel invitations past their expiry become EXPIRED (once per cluster). */
const INVITATION_EXPIRY_INTERVAL_MS = 15_000;
/** How often uploads never attached (older than MEDIA_ABANDON_AFTER) are deleted (once per cluster). */
const MEDIA_CLEANUP_INTERVAL_MS = 15 * 60_000;

/**
 * Composition root: database, pub/sub, services, GraphQL over HTTP and WebSocket. `logger`: JSON lines on stdout;
 * `queryEvents`: Prisma emits a `query` event per statement (off: each costs something even without a listener).
 */
export async function createApp(
  config: Config,
  options: { logger?: Logger; queryEvents?: boolean } = {},
): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const drain = new Drain();
  const db = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.embeddedDbDir,
    onConnectionError: (error) => logger.error({ err: error }, "database connection error"),
    queryEvents: options.queryEvents,
  });
  const observed = createEventBus(config.redisUrl, logger, {
    ...metrics,
    delivered: (event) => {
      metrics.delivered(event);
      drain.delivered();
    },
  });
  const bus = withChannelPrefix(observed, config.redisKeyPrefix);
  // Shared mode: one command connection for presence, rate limits and locks (pub/sub has its own two).
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger, "commands", metrics) : undefined;
  const limits = countingRefusals(createRateLimits(redis, config.rateLimits, config.redisKeyPrefix), metrics);
  const scheduler = createScheduler({ redis, logger, keyPrefix: config.redisKeyPrefix });
  const presence = createPresence({
    redis,
    keyPrefix: config.redisKeyPrefix,
    settings: config.presence,
    prisma: db.prisma,
    sql: db.sql,
    bus,
    logger,
  });
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtl, config.refreshTokenTtl);
  const sessions = new Sessions(tokens, db.prisma, bus, logger);
  const notifications = new NotificationsService(db.prisma, bus, logger);
  const mediaConfig = config.media ?? mediaSettings({ kind: "filesystem", dir: undefined });
  const blobs = await openBlobStore(mediaConfig, config.jwtSecret, logger);
  // membership is the chat domain's participant rule; the chat service attaches uploads when sending
  const media = new MediaService(db.prisma, blobs.store, mediaConfig, (viewerId, chatId) =>
    services.chat.requireChat(viewerId, chatId),
  );
  const users = new UsersService(db.prisma, notifications, limits, bus);
  const chat = new ChatService(db.prisma, db.sql, bus, users, limits, presence, media, {
    observe: (batch) => metrics.writerBatch(batch),
  });
  const services: Services = {
    auth: new AuthService(db.prisma, tokens, limits, sessions),
    users,
    notifications,
    tournaments: new TournamentsService(db.prisma, db.sql, notifications, logger, limits),
    groups: new GroupsService(db.prisma, bus, config.groupMaxMembers),
    chat,
    reactions: new ReactionsService(db.prisma, bus, chat, presence),
    messageEdits: new MessageEditsService(db.prisma, bus, chat),
    receipts: new ReceiptsService(db.prisma, bus, chat, limits, config.rateLimits.deliveryEvent.duration * 1000),
    invitations: new InvitationsService(db.prisma, bus, users, limits, notifications, {
      ttlMs: config.invitationTtl * 1000,
    }),
    games: new GamesService(db.prisma, bus),
    presence,
    media,
  };
  const originPolicy = createOriginPolicy(config.allowedOrigins);
  const yoga = createParleyYoga({
    prisma: db.prisma,
    bus,
    services,
    cookieSecure: config.cookieSecure,
    sessions,
    logger,
    graphqlLimits: config.graphqlLimits,
    originPolicy,
    transportLimits: config.transportLimits,
    plugins: [opsPlugin(drain)],
    trustProxy: config.trustProxy,
  });
  const cron = cronRoute(config.cronSecret, () => presence.sweep(), logger);
  const migrations = (await readMigrations()).map((migration) => migration.name);
  const checks = { ...databaseChecks(db.sql, migrations), ...(redis ? { redis: redisCheck(redis) } : {}) };
  const ops = { logger, drain, metrics, checks, metricsToken: config.metricsToken };
  const ws = attachGraphqlWs(yoga, sessions, presence, {
    originPolicy,
    limits: config.transportLimits,
    trustProxy: config.trustProxy,
  });
  // The legacy /ws/events/ socket and /api/* endpoints, through the api's own graphql-ws server and yoga.
  const bridge = createBridge({
    executor: inProcessExecutor(ws.server, yoga, logger),
    originPolicy,
    maxBufferedBytes: config.transportLimits.maxBufferedBytes,
    maxFrameLength: config.transportLimits.maxRequestBytes,
    cookieSecure: config.cookieSecure,
    logger,
  });
  // The web app (or a legacy SPA build, whose URLs come from location.host) on the same origin as the API:
  // every GET that is not GraphiQL, with unknown paths answered by the app's index.html.
  const webApp = config.webDir && existsSync(config.webDir) ? config.webDir : undefined;
  if (config.webDir && !webApp)
    logger.warn({ webDir: config.webDir }, "no web app build: `npm run build -w @parley/web`");
  const staticFiles = config.legacyWebDir
    ? staticSite(config.legacyWebDir)
    : webApp
      ? staticSite(webApp, { immutablePrefix: "/_app/immutable/" })
      : undefined;
  const site: typeof bridge.handleRequest = (request, response) =>
    staticFiles !== undefined &&
    (request.url ?? "").split("?")[0] !== yoga.graphqlEndpoint &&
    staticFiles(request, response);
  const server = createServer(
    withOps(
      ops,
      (request, response) =>
        cron(request, response) ||
        blobs.route(request, response) ||
        bridge.handleRequest(request, response) ||
        site(request, response) ||
        void yoga(request, response),
    ),
  );
  server.on("upgrade", (request, socket, head) => {
    if (!bridge.handleUpgrade(request, socket, head) && !ws.handleUpgrade(request, socket, head)) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  });
  metrics.watch({
    openSockets: () => ws.wss.clients.size + bridge.openSockets,
    liveSubscriptions: () => bus.activeSubscriptions(),
    writerQueueDepth: () => services.chat.writerLoad().queueDepth,
    publishStats: () => bus.publishStats(),
    dbPool: () => db.poolUse(),
  });
  await sessions.start(); // hears ended sessions of every instance before serving
  await presence.start(scheduler); // registers this instance, schedules heartbeat and sweep
  scheduler.every(INVITATION_EXPIRY_INTERVAL_MS, "invitations-expire", () => services.invitations.expireInvitations());
  scheduler.every(MEDIA_CLEANUP_INTERVAL_MS, "media-abandoned", () => services.media.deleteAbandoned());

  let serverClosed: Promise<void> = Promise.resolve();
  /** Stops taking work, then waits (at most `ms`) for running work to end and its events to go out. */
  async function drainFor(ms: number): Promise<void> {
    if (drain.stopping) return;
    drain.stopping = true;
    const deadline = performance.now() + ms;
    // No new connections; idle keep-alive ones close now; a request still arriving on a busy one gets 503 (withOps).
    serverClosed = new Promise((resolve) => server.close(() => resolve()));
    const idle = await drain.idle(deadline);
    // Sends return once stored and publish after: their events are handed to pub/sub before the sockets close.
    const published = await until(() => bus.publishStats().pending === 0, deadline);
    const quiet = await drain.quiet(deadline);
    if (!idle || !published || !quiet) {
      logger.warn({ idle, published, quiet, ms }, "graceful stop: timed out waiting for running work");
    }
  }

  const app: App = {
    logger,
    metrics,
    bus,
    whenIdle: () => services.tournaments.whenIdle(),
    services,
    prisma: db.prisma,
    start: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    async stop() {
      await drainFor((config.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_S) * 1000);
      await scheduler.stop();
      await presence.stop(); // this instance's socket records go: their users go offline unless connected elsewhere
      await Promise.all([ws.close(), bridge.close()]);
      await sessions.stop();
      server.closeAllConnections();
      await serverClosed;
      await services.tournaments.stop(); // running fan-outs end after their current batch
      await bus.close();
      if (redis) await closeRedis(redis);
      await db.close();
      await blobs.store.close();
    },
    async kill() {
      presence.kill();
      await app.stop();
    },
  };
  return app;
}
