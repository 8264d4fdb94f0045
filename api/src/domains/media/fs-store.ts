import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BLOB_KEY, type BlobStore, type ServedAs, type SignedUpload } from "./blob-store.ts";
import { epochSeconds, type UrlSigner } from "./url-signing.ts";

/** Paths of the routes that serve the filesystem store (fs-routes.ts): `/media/{key}`. */
export const MEDIA_PATH = "/media/";

/** Blobs as files under one directory; the Parley process serves them by signed URLs (fs-routes.ts). */
export class FilesystemStore implements BlobStore {
  private constructor(
    readonly dir: string,
    private readonly signer: UrlSigner,
    /** origin prefixed to URLs; "" for root-relative ones */
    private readonly publicUrl: string,
    private readonly temporary: boolean,
  ) {}

  /** `dir` undefined: a fresh temporary directory, removed on close. */
  static async open(dir: string | undefined, signer: UrlSigner, publicUrl = ""): Promise<FilesystemStore> {
    const root = dir ?? (await mkdtemp(join(tmpdir(), "parley-media-")));
    await mkdir(root, { recursive: true });
    return new FilesystemStore(root, signer, publicUrl, dir === undefined);
  }

  async uploadUrl(key: string, upload: { contentType: string; size: number; expiresAt: Date }): Promise<SignedUpload> {
    const query = this.signer.sign("PUT", key, {
      exp: String(epochSeconds(upload.expiresAt)),
      size: String(upload.size),
      type: upload.contentType,
    });
    return { url: `${this.publicUrl}${MEDIA_PATH}${key}?${query}`, headers: { "content-type": upload.contentType } };
  }

  /** Type and disposition travel signed in the URL (fs-routes.ts answers with them). */
  async downloadUrl(key: string, served: ServedAs, expiresAt: Date): Promise<string> {
    const query = this.signer.sign("GET", key, {
      exp: String(epochSeconds(expiresAt)),
      type: served.contentType,
      name: served.filename,
      disposition: served.inline ? "inline" : "attachment",
    });
    return `${this.publicUrl}${MEDIA_PATH}${key}?${query}`;
  }

  /** The file of a key; keys are checked against their one shape, so no path leaves the directory. */
  path(key: string): string {
    if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.dir, key);
  }

  async size(key: string): Promise<number | null> {
    const info = await stat(this.path(key)).catch(() => null);
    return info?.isFile() ? info.size : null;
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  /** Written beside, then renamed: a reader never sees half a file. How it is served is in its URLs. */
  async write(key: string, body: Buffer): Promise<void> {
    const partial = await this.partialFile(key);
    await writeFile(partial, body);
    await rename(partial, this.path(key));
  }

  /** A fresh name in the key's directory for bytes still arriving. */
  async partialFile(key: string): Promise<string> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    return `${target}.${randomUUID()}.part`;
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
  }

  async close(): Promise<void> {
    if (this.temporary) await rm(this.dir, { recursive: true, force: true });
  }
}
