import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type MediaSettings, mediaEnv, mediaFromEnv } from "./domains/media/media.settings.ts";
import { PRESENCE_DEFAULTS, type PresenceSettings } from "./domains/presence/presence.settings.ts";
import { DEFAULT_GRAPHQL_LIMITS, type GraphqlLimits } from "./graphql/armor.ts";
import { DEFAULT_TRANSPORT_LIMITS, type TransportLimits } from "./graphql/transport-limits.ts";
import { DEFAULT_SHUTDOWN_TIMEOUT_S } from "./infra/drain.ts";
import { normalizeOrigin } from "./infra/origin-policy.ts";
import { RATE_LIMIT_DEFAULTS, type RateLimitConfig, rateLimitConfig } from "./infra/rate-limit.ts";

const optionalUrl = z
  .string()
  .optional()
  .transform((value) => value || undefined);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Comma-separated origins (`https://example.com`); `*` is refused: a session never goes to any origin. */
const originList = z
  .string()
  .default("")
  .transform((value, ctx) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => {
        const origin = normalizeOrigin(item);
        if (!origin) ctx.addIssue({ code: "custom", message: `"${item}" is not an origin like https://example.com` });
        return origin ?? item;
      }),
  );

/** Node timers hold at most 2^31 − 1 ms; past it they fire after 1 ms (every socket closed at once, sweeps in a loop). */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** Browsers keep a cookie at most 400 days. */
export const MAX_COOKIE_SECONDS = 400 * 24 * 3600;
/** Seconds that end up in a timer: positive and at most MAX_TIMER_SECONDS. */
const timerSeconds = (fallback: number) =>
  z.coerce
    .number()
    .positive()
    .max(MAX_TIMER_SECONDS, `at most ${MAX_TIMER_SECONDS} seconds (a Node timer's limit)`)
    .default(fallback);

/** How long a duel invitation stays pending, seconds. */
/** The web app's build (`npm run build -w @parley/web`; `npm start` runs it when its sources changed). */
const WEB_BUILD_DIR = fileURLToPath(new URL("../../web/build", import.meta.url));
const DEFAULT_INVITATION_TTL = 5 * 60;
export const DEFAULT_GROUP_MAX_MEMBERS = 256;
/** the highest GROUP_MAX_MEMBERS: a member list a mutation may name (graphql/bounds.ts) */
export const MAX_GROUP_MEMBERS = 1000;

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    PARLEY_DATA_DIR: z.string().optional(),
    JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
    ACCESS_TOKEN_TTL: timerSeconds(15 * 60).pipe(z.number().int()),
    REFRESH_TOKEN_TTL: z.coerce
      .number()
      .int()
      .positive()
      .max(MAX_COOKIE_SECONDS, `at most ${MAX_COOKIE_SECONDS} seconds (400 days, the longest a browser keeps a cookie)`)
      .default(14 * 24 * 3600),
    COOKIE_SECURE: z.enum(["true", "false"]).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    NODE_ENV: z.string().default("development"),
    RATE_LIMIT_MESSAGES_BURST: positiveInt(RATE_LIMIT_DEFAULTS.messagesBurst),
    RATE_LIMIT_MESSAGES_PER_SECOND: positiveInt(RATE_LIMIT_DEFAULTS.messagesPerSecond),
    RATE_LIMIT_INVITATIONS_PER_MINUTE: positiveInt(RATE_LIMIT_DEFAULTS.invitationsPerMinute),
    RATE_LIMIT_SIGNUPS_PER_HOUR: positiveInt(RATE_LIMIT_DEFAULTS.signUpsPerHour),
    RATE_LIMIT_LOGIN_FAILURES: positiveInt(RATE_LIMIT_DEFAULTS.loginFailures),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    GRAPHQL_MAX_DEPTH: positiveInt(DEFAULT_GRAPHQL_LIMITS.maxDepth),
    GRAPHQL_MAX_COST: positiveInt(DEFAULT_GRAPHQL_LIMITS.maxCost),
    GRAPHQL_MAX_ALIASES: positiveInt(DEFAULT_GRAPHQL_LIMITS.maxAliases),
    GRAPHQL_MAX_TOKENS: positiveInt(DEFAULT_GRAPHQL_LIMITS.maxTokens),
    GRAPHQL_MAX_DIRECTIVES: positiveInt(DEFAULT_GRAPHQL_LIMITS.maxDirectives),
    INVITATION_TTL: timerSeconds(DEFAULT_INVITATION_TTL).pipe(z.number().int()),
    GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(MAX_GROUP_MEMBERS).default(DEFAULT_GROUP_MAX_MEMBERS),
    PRESENCE_INACTIVITY: timerSeconds(PRESENCE_DEFAULTS.inactivity),
    PRESENCE_HEARTBEAT: timerSeconds(PRESENCE_DEFAULTS.heartbeat),
    PRESENCE_SWEEP_INTERVAL: timerSeconds(PRESENCE_DEFAULTS.sweepInterval),
    CRON_SECRET: z.string().optional(),
    REDIS_KEY_PREFIX: z.string().default("parley:"),
    ALLOWED_ORIGINS: originList,
    MAX_REQUEST_BYTES: positiveInt(DEFAULT_TRANSPORT_LIMITS.maxRequestBytes),
    WS_MAX_SUBSCRIPTIONS: positiveInt(DEFAULT_TRANSPORT_LIMITS.maxSubscriptionsPerSocket),
    WS_MAX_SOCKETS_PER_USER: positiveInt(DEFAULT_TRANSPORT_LIMITS.maxSocketsPerUser),
    WS_MAX_BUFFERED_BYTES: positiveInt(DEFAULT_TRANSPORT_LIMITS.maxBufferedBytes),
    METRICS_TOKEN: z.string().optional(),
    SHUTDOWN_TIMEOUT: z.coerce.number().positive().max(600).default(DEFAULT_SHUTDOWN_TIMEOUT_S),
    LEGACY_WEB_DIR: z
      .string()
      .optional()
      .transform((value) => value || undefined),
    WEB_DIR: z.string().default(WEB_BUILD_DIR),
    ...mediaEnv,
  })
  .refine((env) => env.REFRESH_TOKEN_TTL > env.ACCESS_TOKEN_TTL, {
    path: ["REFRESH_TOKEN_TTL"],
    message: "must be longer than ACCESS_TOKEN_TTL (a session outlives its access tokens)",
  });

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL (shared mode); undefined → embedded PGlite in embeddedDbDir. */
  databaseUrl: string | undefined;
  /** Redis URL (shared mode); undefined → in-memory pub/sub. */
  redisUrl: string | undefined;
  /** embedded PGlite directory, or "memory://" */
  embeddedDbDir: string;
  jwtSecret: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  cookieSecure: boolean;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** rate limits per user, or per client address where there is no user (infra/rate-limit.ts) */
  rateLimits: RateLimitConfig;
  /** TRUST_PROXY: proxies in front of the app that append to X-Forwarded-For; 0: the socket's address is the client's */
  trustProxy: number;
  /** depth, cost, aliases, tokens and directives of GraphQL documents, on every transport (graphql/armor.ts) */
  graphqlLimits: GraphqlLimits;
  /** seconds a duel invitation stays pending (INVITATION_TTL) */
  invitationTtl: number;
  /** GROUP_MAX_MEMBERS: members a group may have, its owner included */
  groupMaxMembers: number;
  /** presence: inactivity sweep and instance heartbeat, seconds (domains/presence/presence.settings.ts) */
  presence: PresenceSettings;
  /** CRON_SECRET: bearer token of DELETE /api/cronjob/cron/check-inactive-users; unset or empty: always 401 */
  cronSecret: string | undefined;
  /** REDIS_KEY_PREFIX: prefix of Parley's Redis keys (presence, job locks), so deployments can share a Redis */
  redisKeyPrefix: string;
  /** ALLOWED_ORIGINS: browser origins that may use a session, besides the server's own (infra/origin-policy.ts) */
  allowedOrigins: string[];
  /** request body, socket message, subscriptions, sockets and unsent bytes per socket (graphql/transport-limits.ts) */
  transportLimits: TransportLimits;
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>`; unset: open */
  metricsToken?: string | undefined;
  /** SHUTDOWN_TIMEOUT: seconds a graceful stop waits for running requests and sends */
  shutdownTimeout?: number;
  /** LEGACY_WEB_DIR: a legacy SPA build served on this origin (static files, SPA fallback); unset: none */
  legacyWebDir?: string | undefined;
  /** WEB_DIR: the Parley web app's build, served on this origin unless LEGACY_WEB_DIR is set; default web/build */
  webDir?: string | undefined;
  /** attachments: blob store, limits and URL lifetimes (domains/media/media.settings.ts); unset: defaults, files in a temporary directory */
  media?: MediaSettings;
}

/** Parses the environment once. Embedded mode keeps a generated JWT secret in the data directory. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  // npm runs workspace scripts inside the package; INIT_CWD is where the user typed the command.
  const inMemory = e.PARLEY_DATA_DIR === "memory://";
  const dataDir = inMemory ? "memory://" : resolve(env.INIT_CWD ?? process.cwd(), e.PARLEY_DATA_DIR ?? ".parley-data");
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    embeddedDbDir: inMemory ? "memory://" : join(dataDir, "db"),
    jwtSecret: e.JWT_SECRET ?? (await embeddedSecret(e.DATABASE_URL, inMemory ? undefined : dataDir)),
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === "true" : e.NODE_ENV === "production",
    logLevel: e.LOG_LEVEL,
    rateLimits: rateLimitConfig({
      messagesBurst: e.RATE_LIMIT_MESSAGES_BURST,
      messagesPerSecond: e.RATE_LIMIT_MESSAGES_PER_SECOND,
      invitationsPerMinute: e.RATE_LIMIT_INVITATIONS_PER_MINUTE,
      signUpsPerHour: e.RATE_LIMIT_SIGNUPS_PER_HOUR,
      loginFailures: e.RATE_LIMIT_LOGIN_FAILURES,
    }),
    trustProxy: e.TRUST_PROXY,
    graphqlLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    },
    invitationTtl: e.INVITATION_TTL,
    groupMaxMembers: e.GROUP_MAX_MEMBERS,
    presence: {
      inactivity: e.PRESENCE_INACTIVITY,
      heartbeat: e.PRESENCE_HEARTBEAT,
      sweepInterval: e.PRESENCE_SWEEP_INTERVAL,
    },
    cronSecret: e.CRON_SECRET || undefined,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    allowedOrigins: e.ALLOWED_ORIGINS,
    transportLimits: {
      maxRequestBytes: e.MAX_REQUEST_BYTES,
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS,
      maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    },
    metricsToken: e.METRICS_TOKEN || undefined,
    shutdownTimeout: e.SHUTDOWN_TIMEOUT,
    legacyWebDir: e.LEGACY_WEB_DIR && resolve(env.INIT_CWD ?? process.cwd(), e.LEGACY_WEB_DIR),
    webDir: resolve(env.INIT_CWD ?? process.cwd(), e.WEB_DIR),
    media: mediaFromEnv(e, inMemory ? undefined : join(dataDir, "media")),
  };
}

/** Generated once and kept in the data directory, so sessions survive restarts (in memory: until exit). */
async function embeddedSecret(databaseUrl: string | undefined, dataDir: string | undefined): Promise<string> {
  if (databaseUrl) {
    throw new Error("JWT_SECRET is required with DATABASE_URL: every instance must sign with the same secret");
  }
  if (!dataDir) return randomBytes(48).toString("base64url");
  const file = join(dataDir, "jwt-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const secret = randomBytes(48).toString("base64url");
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, secret, { mode: 0o600, flag: "wx" }).catch(() => {});
    return (await readFile(file, "utf8")).trim();
  }
}
