import type { Attachment, PrismaClient } from "@parley/db";
import { Prisma } from "@parley/db";
import DataLoader from "dataloader";
import { badInput, conflict, notFound, rateLimited } from "../../graphql/errors.ts";
import { processWide } from "../../graphql/loaders.ts";
import { isUuid, storableText, textProblem } from "../../infra/validation.ts";
import { type BlobStore, blobKeys, type ServedAs, type SignedUpload } from "./blob-store.ts";
import type { MediaSettings } from "./media.settings.ts";
import { MediaRefusal, processFile, THUMBNAIL_TYPE } from "./media-processing.ts";
import { cleanFilename, IMAGE_TYPES, isImageType, MAX_FILENAME_LENGTH, normalizeType } from "./media-types.ts";

/** What a message carries of each attachment: inline in events, so delivering one costs no query. */
export interface AttachmentPayload {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

export interface UploadRequest {
  chatId: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface UploadTicket extends SignedUpload {
  uploadId: string;
  method: "PUT";
  expiresAt: Date;
  size: number;
  contentType: string;
}

/** The chat domain's participant rule: throws NOT_FOUND or FORBIDDEN unless the viewer is a member. */
export type MembershipCheck = (viewerId: string, chatId: string) => Promise<unknown>;

const DAY_MS = 24 * 3600 * 1000;
const FILENAME_TEXT = storableText({ max: MAX_FILENAME_LENGTH });
/** At most this many attachments per message. */
export const MAX_ATTACHMENTS = 10;
/** Uploads deleted per cleanup statement. */
const CLEANUP_BATCH = 500;

export const toAttachmentPayload = (row: Attachment): AttachmentPayload => ({
  id: row.id,
  filename: row.filename,
  contentType: row.contentType,
  size: row.size,
  width: row.width,
  height: row.height,
  hasThumbnail: row.hasThumbnail,
});

/** Uploads into chats: announce, upload directly to the store, complete (verify + strip), attach, clean up. */
export class MediaService {
  private readonly byMessage: DataLoader<string, AttachmentPayload[]>;

  constructor(
    private readonly prisma: PrismaClient,
    readonly store: BlobStore,
    readonly settings: MediaSettings,
    private readonly requireMember: MembershipCheck,
  ) {
    this.byMessage = new DataLoader(async (messageIds) => {
      const rows = await prisma.attachment.findMany({
        where: { messageId: { in: [...messageIds] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      const byId = new Map<string, AttachmentPayload[]>();
      for (const row of rows) {
        if (row.messageId) byId.set(row.messageId, [...(byId.get(row.messageId) ?? []), toAttachmentPayload(row)]);
      }
      return messageIds.map((id) => byId.get(id) ?? []);
    }, processWide());
  }

  /** Content types accepted: the four image types and MEDIA_EXTRA_TYPES. */
  accepts(contentType: string): boolean {
    return isImageType(contentType) || this.settings.extraTypes.includes(contentType);
  }

  /**
   * Members only, within the size limit, the accepted types and the uploader's daily quota (declared bytes of
   * the last 24 hours). Returns a URL bound to exactly this size and type, valid for MEDIA_UPLOAD_TTL.
   */
  async createUpload(viewerId: string, request: UploadRequest): Promise<UploadTicket> {
    const { filename, contentType, size } = this.checkRequest(request);
    await this.requireMember(viewerId, request.chatId);
    const id = crypto.randomUUID();
    const stored = await this.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
      INSERT INTO attachments (id, uploader_id, chat_id, filename, content_type, size)
      SELECT ${id}::uuid, ${viewerId}::uuid, ${request.chatId.toLowerCase()}::uuid, ${filename}, ${contentType}, ${size}
      WHERE (SELECT COALESCE(SUM(size), 0) FROM attachments
             WHERE uploader_id = ${viewerId}::uuid AND created_at > now() - interval '1 day') + ${size}
        <= ${this.settings.dailyBytes}
      RETURNING id`);
    if (stored.length === 0) throw await this.overQuota(viewerId);
    const expiresAt = new Date(Date.now() + this.settings.uploadTtl * 1000);
    const signed = await this.store.uploadUrl(blobKeys(id).upload, { contentType, size, expiresAt });
    return { ...signed, uploadId: id, method: "PUT", expiresAt, size, contentType };
  }

  /**
   * After the client's PUT: the real size must be the declared one and the bytes must be of the declared type
   * (sniffed); images lose their metadata and gain a thumbnail. A refused file is deleted with its record.
   * Completing twice returns the same attachment.
   */
  async completeUpload(viewerId: string, uploadId: string): Promise<AttachmentPayload> {
    const row = await this.ownUpload(viewerId, uploadId);
    if (row.completedAt) return toAttachmentPayload(row);
    await this.requireMember(viewerId, row.chatId);
    const keys = blobKeys(row.id);
    const size = await this.store.size(keys.upload);
    if (size === null) throw conflict("Nothing has been uploaded for this upload yet.", "uploadId");
    if (size !== row.size) {
      await this.discard(row.id);
      throw badInput(`The upload has ${size} bytes, not the ${row.size} announced.`, "uploadId");
    }
    const processed = await processFile(await this.store.read(keys.upload), row.contentType).catch(async (error) => {
      if (!(error instanceof MediaRefusal)) throw error;
      await this.discard(row.id);
      throw badInput(error.message, "uploadId");
    });
    const served = servedAs({ ...row, contentType: processed.contentType });
    await this.store.write(keys.file, processed.body, served.file);
    if (processed.thumbnail) await this.store.write(keys.thumb, processed.thumbnail, served.thumb);
    await this.store.delete([keys.upload]);
    const completed = await this.prisma.attachment.update({
      where: { id: row.id },
      data: {
        completedAt: new Date(),
        size: processed.body.length,
        width: processed.width,
        height: processed.height,
        hasThumbnail: processed.thumbnail !== null,
      },
    });
    return toAttachmentPayload(completed);
  }

  /**
   * Attaches completed uploads of the sender's in this chat to `messageId`, each at most once (a conditional
   * update: two sends racing for one upload cannot both win). On any refusal nothing stays claimed.
   */
  async claim(
    viewerId: string,
    chatId: string,
    messageId: string,
    ids: readonly string[],
  ): Promise<AttachmentPayload[]> {
    if (ids.length === 0) return [];
    if (ids.length > MAX_ATTACHMENTS)
      throw badInput(`At most ${MAX_ATTACHMENTS} attachments per message.`, "attachmentIds");
    const wanted = ids.map((id) => id.toLowerCase());
    if (new Set(wanted).size !== wanted.length) throw badInput("An attachment is listed twice.", "attachmentIds");
    if (!wanted.every(isUuid)) throw notFound("Upload not found.");
    const claimed = await this.prisma.attachment.updateManyAndReturn({
      where: { id: { in: wanted }, uploaderId: viewerId, chatId, completedAt: { not: null }, messageId: null },
      data: { messageId },
    });
    if (claimed.length === wanted.length) return sortByUpload(claimed).map(toAttachmentPayload);
    await this.release(messageId);
    throw await this.whyCannotAttach(viewerId, chatId, wanted);
  }

  /** Undoes a claim whose message was not stored. */
  async release(messageId: string): Promise<void> {
    await this.prisma.attachment.updateMany({ where: { messageId }, data: { messageId: null } });
  }

  /** A stored message's attachments, batched across every message resolved in the same tick. */
  attachmentsOf(messageId: string): Promise<AttachmentPayload[]> {
    return this.byMessage.load(messageId);
  }

  /** Short-lived signed URLs (MEDIA_URL_TTL): only ever handed to members, through a message or completeUpload. */
  async urls(attachment: AttachmentPayload): Promise<{ url: string; thumbnailUrl: string | null }> {
    const expiresAt = new Date(Date.now() + this.settings.downloadTtl * 1000);
    const keys = blobKeys(attachment.id);
    const served = servedAs(attachment);
    const [url, thumbnailUrl] = await Promise.all([
      this.store.downloadUrl(keys.file, served.file, expiresAt),
      attachment.hasThumbnail ? this.store.downloadUrl(keys.thumb, served.thumb, expiresAt) : null,
    ]);
    return { url, thumbnailUrl };
  }

  /**
   * Deletes uploads never attached after MEDIA_ABANDON_AFTER, with their blobs; also claims whose send never
   * stored its message (a crash between claim and write). Returns how many went.
   */
  async deleteAbandoned(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.settings.abandonAfter * 1000);
    let total = 0;
    for (;;) {
      const gone = await this.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
        DELETE FROM attachments WHERE id IN (
          SELECT a.id FROM attachments a
          WHERE a.created_at < ${cutoff}
            AND (a.message_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id))
          LIMIT ${CLEANUP_BATCH})
        RETURNING id`);
      await this.store.delete(gone.flatMap((row) => Object.values(blobKeys(row.id))));
      total += gone.length;
      if (gone.length < CLEANUP_BATCH) return total;
    }
  }

  private checkRequest(request: UploadRequest) {
    if (!isUuid(request.chatId)) throw notFound("Chat not found.");
    const contentType = normalizeType(request.contentType);
    if (!this.accepts(contentType)) {
      const accepted = [...IMAGE_TYPES, ...this.settings.extraTypes];
      throw badInput(
        `${contentType || "This type"} is not accepted (accepted: ${accepted.join(", ")}).`,
        "contentType",
      );
    }
    if (!Number.isInteger(request.size) || request.size < 1) throw badInput("size must be at least 1 byte.", "size");
    if (request.size > this.settings.maxBytes) {
      throw badInput(`A file may have at most ${this.settings.maxBytes} bytes.`, "size");
    }
    const filename = cleanFilename(request.filename);
    const problem = textProblem(FILENAME_TEXT, filename);
    if (problem) throw badInput(`filename ${problem}.`, "filename");
    return { filename, contentType, size: request.size };
  }

  private async overQuota(viewerId: string): Promise<Error> {
    const oldest = await this.prisma.attachment.findFirst({
      where: { uploaderId: viewerId, createdAt: { gt: new Date(Date.now() - DAY_MS) } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    });
    const freedAt = (oldest?.createdAt.getTime() ?? Date.now()) + DAY_MS;
    const retryAfter = Math.max(1, Math.ceil((freedAt - Date.now()) / 1000));
    return rateLimited(`You have used your upload allowance of ${this.settings.dailyBytes} bytes a day.`, retryAfter);
  }

  /** The viewer's own upload; someone else's is as unknown as a missing one. */
  private async ownUpload(viewerId: string, uploadId: string): Promise<Attachment> {
    const row = isUuid(uploadId) ? await this.prisma.attachment.findUnique({ where: { id: uploadId } }) : null;
    if (!row || row.uploaderId !== viewerId) throw notFound("Upload not found.");
    return row;
  }

  private async discard(id: string): Promise<void> {
    await this.prisma.attachment.deleteMany({ where: { id } });
    await this.store.delete(Object.values(blobKeys(id)));
  }

  private async whyCannotAttach(viewerId: string, chatId: string, ids: string[]): Promise<Error> {
    const rows = await this.prisma.attachment.findMany({ where: { id: { in: ids } } });
    for (const id of ids) {
      const row = rows.find((candidate) => candidate.id === id);
      if (!row || row.uploaderId !== viewerId) return notFound(`Upload ${id} not found.`);
      if (row.chatId !== chatId) return badInput(`Upload ${id} was made for another chat.`, "attachmentIds");
      if (!row.completedAt) return conflict(`Upload ${id} is not completed yet.`, "attachmentIds");
      if (row.messageId) return conflict(`Upload ${id} is already attached to a message.`, "attachmentIds");
    }
    return conflict("An upload changed while it was being attached; try again.", "attachmentIds");
  }
}

/** Images are shown in place, anything else is offered as a download; thumbnails are WebP images. */
function servedAs(file: { filename: string; contentType: string }): { file: ServedAs; thumb: ServedAs } {
  return {
    file: { contentType: file.contentType, filename: file.filename, inline: isImageType(file.contentType) },
    thumb: { contentType: THUMBNAIL_TYPE, filename: `thumbnail-${file.filename}.webp`, inline: true },
  };
}

const sortByUpload = (rows: Attachment[]) =>
  [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
