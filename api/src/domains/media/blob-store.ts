/** What a client sends to upload: PUT `url` with exactly these headers and `size` bytes. */
export interface SignedUpload {
  url: string;
  headers: Record<string, string>;
}

/** How a stored file is served. */
export interface ServedAs {
  contentType: string;
  filename: string;
  /** images are shown in place; anything else is offered as a download */
  inline: boolean;
}

/**
 * Blobs behind one interface (DESIGN §12): files under the data directory served by Parley, or an S3-compatible
 * bucket. Clients move bytes by signed, expiring URLs; the API reads a blob only to verify and process it.
 */
export interface BlobStore {
  /** A URL accepting one PUT of exactly `size` bytes of `contentType` until `expiresAt`. */
  uploadUrl(key: string, upload: { contentType: string; size: number; expiresAt: Date }): Promise<SignedUpload>;
  /** A URL reading the blob until `expiresAt`, answered with the content type and disposition of `served`. */
  downloadUrl(key: string, served: ServedAs, expiresAt: Date): Promise<string>;
  /** The stored size, or null when nothing is stored under `key`. */
  size(key: string): Promise<number | null>;
  read(key: string): Promise<Buffer>;
  /** `served`: how the blob will be downloaded (S3 keeps it on the object; see S3Store.downloadUrl). */
  write(key: string, body: Buffer, served: ServedAs): Promise<void>;
  /** Missing keys are not an error. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Blob keys of one upload: the raw bytes as uploaded, then the verified file and its thumbnail. */
export const blobKeys = (uploadId: string) => ({
  upload: `upload/${uploadId}`,
  file: `file/${uploadId}`,
  thumb: `thumb/${uploadId}`,
});

export const BLOB_KEY = /^(upload|file|thumb)\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
