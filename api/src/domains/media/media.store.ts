import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../infra/logger.ts";
import type { BlobStore } from "./blob-store.ts";
import { mediaRoutes } from "./fs-routes.ts";
import { FilesystemStore } from "./fs-store.ts";
import type { MediaSettings } from "./media.settings.ts";
import { S3Store } from "./s3-store.ts";
import { UrlSigner } from "./url-signing.ts";

type Route = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The configured store, and the HTTP routes it needs from Parley (none for S3: clients talk to the bucket). */
export async function openBlobStore(
  settings: MediaSettings,
  secret: string,
  logger: Logger,
): Promise<{ store: BlobStore; route: Route }> {
  if (settings.store.kind === "s3") return { store: new S3Store(settings.store), route: () => false };
  const signer = new UrlSigner(secret);
  const store = await FilesystemStore.open(settings.store.dir, signer, settings.publicUrl ?? "");
  return { store, route: mediaRoutes(store, signer, logger) };
}
