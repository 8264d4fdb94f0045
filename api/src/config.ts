import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";

const optionalUrl = z
  .string()
  .optional()
  .transform((value) => value || undefined);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  PARLEY_DATA_DIR: z.string().optional(),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  ACCESS_TOKEN_TTL: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  REFRESH_TOKEN_TTL: z.coerce
    .number()
    .int()
    .positive()
    .default(14 * 24 * 3600),
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.string().default("development"),
});

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL (shared mode); undefined → embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  /** Redis URL (shared mode); undefined → in-memory pub/sub. */
  redisUrl: string | undefined;
  dataDir: string;
  /** embedded PGlite directory, or "memory://" */
  embeddedDbDir: string;
  jwtSecret: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  cookieSecure: boolean;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
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
    dataDir,
    embeddedDbDir: inMemory ? "memory://" : join(dataDir, "db"),
    jwtSecret: e.JWT_SECRET ?? (await embeddedSecret(e.DATABASE_URL, inMemory ? undefined : dataDir)),
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === "true" : e.NODE_ENV === "production",
    logLevel: e.LOG_LEVEL,
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
