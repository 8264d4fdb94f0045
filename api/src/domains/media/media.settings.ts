import { z } from "zod";

/** Where blobs live: files under the data directory (served by Parley itself) or an S3-compatible bucket. */
export type BlobStoreConfig =
  | { kind: "filesystem" /** undefined: a fresh temporary directory (in-memory data dir) */; dir: string | undefined }
  | {
      kind: "s3";
      /** undefined: AWS itself */
      endpoint: string | undefined;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

export interface MediaSettings {
  store: BlobStoreConfig;
  /** MEDIA_MAX_BYTES: the largest file accepted */
  maxBytes: number;
  /** MEDIA_EXTRA_TYPES: content types accepted besides png/jpeg/webp/gif (e.g. application/pdf) */
  extraTypes: string[];
  /** MEDIA_DAILY_BYTES: bytes one user may announce in uploads per rolling 24 hours */
  dailyBytes: number;
  /** MEDIA_UPLOAD_TTL: seconds an upload URL stays valid */
  uploadTtl: number;
  /** MEDIA_URL_TTL: seconds a download URL stays valid */
  downloadTtl: number;
  /** MEDIA_ABANDON_AFTER: seconds after which an upload never attached to a message is deleted */
  abandonAfter: number;
  /** MEDIA_PUBLIC_URL: the origin clients reach Parley at, for filesystem URLs; unset: root-relative URLs */
  publicUrl: string | undefined;
}

export const MEDIA_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  extraTypes: [] as string[],
  dailyBytes: 200 * 1024 * 1024,
  uploadTtl: 10 * 60,
  downloadTtl: 5 * 60,
  abandonAfter: 24 * 3600,
  publicUrl: undefined,
} satisfies Omit<MediaSettings, "store">;

/** An embedded default: files under the data directory. */
export function mediaSettings(store: BlobStoreConfig, overrides: Partial<MediaSettings> = {}): MediaSettings {
  return { ...MEDIA_DEFAULTS, store, ...overrides };
}

const contentTypeList = z
  .string()
  .default("")
  .transform((value, ctx) =>
    value
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean)
      .map((item) => {
        if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(item)) {
          ctx.addIssue({ code: "custom", message: `"${item}" is not a content type like application/pdf` });
        }
        return item;
      }),
  );
const seconds = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .default(fallback);
const optional = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** The MEDIA_* and S3_* variables (config.ts merges them into its schema). */
export const mediaEnv = {
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .default(MEDIA_DEFAULTS.maxBytes),
  MEDIA_EXTRA_TYPES: contentTypeList,
  MEDIA_DAILY_BYTES: z.coerce.number().int().positive().default(MEDIA_DEFAULTS.dailyBytes),
  MEDIA_UPLOAD_TTL: seconds(MEDIA_DEFAULTS.uploadTtl),
  MEDIA_URL_TTL: seconds(MEDIA_DEFAULTS.downloadTtl),
  MEDIA_ABANDON_AFTER: seconds(MEDIA_DEFAULTS.abandonAfter),
  MEDIA_PUBLIC_URL: optional.pipe(z.url().optional()),
  S3_ENDPOINT: optional.pipe(z.url().optional()),
  S3_BUCKET: optional,
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY_ID: optional,
  S3_SECRET_ACCESS_KEY: optional,
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false"),
};

type MediaEnv = z.infer<z.ZodObject<typeof mediaEnv>>;

/** S3 when S3_BUCKET is set (then both keys are required), else files under `dataDir`/media. */
export function mediaFromEnv(e: MediaEnv, mediaDir: string | undefined): MediaSettings {
  return mediaSettings(storeFromEnv(e, mediaDir), {
    maxBytes: e.MEDIA_MAX_BYTES,
    extraTypes: e.MEDIA_EXTRA_TYPES,
    dailyBytes: e.MEDIA_DAILY_BYTES,
    uploadTtl: e.MEDIA_UPLOAD_TTL,
    downloadTtl: e.MEDIA_URL_TTL,
    abandonAfter: e.MEDIA_ABANDON_AFTER,
    publicUrl: e.MEDIA_PUBLIC_URL?.replace(/\/+$/, ""),
  });
}

function storeFromEnv(e: MediaEnv, mediaDir: string | undefined): BlobStoreConfig {
  if (!e.S3_BUCKET) return { kind: "filesystem", dir: mediaDir };
  if (!e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) {
    throw new Error("Invalid configuration:\nS3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
  }
  return {
    kind: "s3",
    endpoint: e.S3_ENDPOINT,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE === "true",
  };
}
