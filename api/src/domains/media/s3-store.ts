import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { BlobStore, ServedAs, SignedUpload } from "./blob-store.ts";
import { contentDisposition } from "./content-disposition.ts";
import type { BlobStoreConfig } from "./media.settings.ts";

type S3Config = Extract<BlobStoreConfig, { kind: "s3" }>;

/** Presign options for a URL valid until `expiresAt` (whole seconds, at least 1, as SigV4 counts). */
function signedUntil(expiresAt: Date): { signingDate: Date; expiresIn: number } {
  const end = Math.floor(expiresAt.getTime() / 1000) * 1000;
  const signingDate = new Date(Math.min(Math.floor(Date.now() / 1000) * 1000, end - 1000));
  return { signingDate, expiresIn: (end - signingDate.getTime()) / 1000 };
}

/** Any S3-compatible bucket; clients move bytes by presigned URLs, Parley only checks and processes them. */
export class S3Store implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // otherwise presigned PUTs carry the CRC32 of an empty body and every real upload fails
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /** Content-Length and Content-Type are signed: the store refuses any other size or type. */
  async uploadUrl(key: string, upload: { contentType: string; size: number; expiresAt: Date }): Promise<SignedUpload> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: upload.contentType,
      ContentLength: upload.size,
    });
    const url = await getSignedUrl(this.client, command, {
      ...signedUntil(upload.expiresAt),
      signableHeaders: new Set(["content-type", "content-length"]),
    });
    return { url, headers: { "content-type": upload.contentType } };
  }

  /**
   * The object already carries its type and disposition (written by `write`), so the URL needs no response-*
   * overrides (whose RFC 8187 `filename*=UTF-8''…` some S3-compatible servers mis-canonicalize when checking).
   * Signed at most now and at least a second before `expiresAt`, so it expires exactly then, even when past.
   */
  downloadUrl(key: string, _served: ServedAs, expiresAt: Date): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    return getSignedUrl(this.client, command, signedUntil(expiresAt));
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (
        error instanceof NotFound ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return null;
      }
      throw error;
    }
  }

  async read(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`empty body for ${key}`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  async write(key: string, body: Buffer, served: ServedAs): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: served.contentType,
        ContentDisposition: contentDisposition(served.inline, served.filename),
      }),
    );
  }

  /** One DeleteObject per key: every S3-compatible server has it (not all take the bucket-level batch). */
  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
