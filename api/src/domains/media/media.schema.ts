import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import type { MessagePayload } from "../chat/chat.events.ts";
import { MessageRef } from "../chat/chat.schema.ts";
import { legacyContent } from "./legacy-content.ts";
import type { AttachmentPayload, UploadTicket } from "./media.service.ts";
import { MAX_CONTENT_TYPE_LENGTH, MAX_FILENAME_LENGTH } from "./media-types.ts";

const HttpHeader = builder.objectRef<{ name: string; value: string }>("HttpHeader").implement({
  fields: (t) => ({ name: t.exposeString("name"), value: t.exposeString("value") }),
});

const UploadTicketRef = builder.objectRef<UploadTicket>("UploadTicket").implement({
  description:
    "Where to upload: send `method` to `url` with exactly these headers and `size` bytes before `expiresAt`, " +
    "then call completeUpload. A root-relative `url` is on this server.",
  fields: (t) => ({
    uploadId: t.exposeID("uploadId"),
    url: t.exposeString("url"),
    method: t.exposeString("method"),
    headers: t.field({
      type: [HttpHeader],
      resolve: (ticket) => Object.entries(ticket.headers).map(([name, value]) => ({ name, value })),
    }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    size: t.exposeInt("size"),
    contentType: t.exposeString("contentType"),
  }),
});

export const AttachmentRef = builder.objectRef<AttachmentPayload>("Attachment").implement({
  description: "A verified file of a message. Its URLs are signed and expire within minutes: refetch for new ones.",
  fields: (t) => ({
    id: t.exposeID("id"),
    filename: t.exposeString("filename"),
    contentType: t.exposeString("contentType", { description: "Sniffed from the bytes, equal to the declared type." }),
    size: t.exposeInt("size", { description: "Bytes of the stored file (images are re-encoded without metadata)." }),
    width: t.exposeInt("width", { nullable: true, description: "Pixels, for images." }),
    height: t.exposeInt("height", { nullable: true, description: "Pixels, for images (one frame of an animation)." }),
    url: t.string({ resolve: async (attachment, _args, ctx) => (await ctx.services.media.urls(attachment)).url }),
    thumbnailUrl: t.string({
      nullable: true,
      description: "A WebP of at most 320×320, for images.",
      resolve: async (attachment, _args, ctx) => (await ctx.services.media.urls(attachment)).thumbnailUrl,
    }),
  }),
});

builder.mutationFields((t) => ({
  createUpload: t.field({
    type: UploadTicketRef,
    description:
      "Announce a file for a chat I am a member of: png, jpeg, webp, gif (and the server's extra types), up to " +
      "the size limit and within my daily allowance. Returns a signed URL that accepts exactly this size and type.",
    args: {
      chatId: t.arg.id({ required: true }),
      filename: t.arg.string({ required: true, maxLength: roomFor(MAX_FILENAME_LENGTH) }),
      contentType: t.arg.string({ required: true, maxLength: MAX_CONTENT_TYPE_LENGTH }),
      size: t.arg.int({ required: true, description: "Bytes." }),
    },
    resolve: (_root, args, ctx) => ctx.services.media.createUpload(requireViewer(ctx).id, args),
  }),
  completeUpload: t.field({
    type: AttachmentRef,
    description:
      "After uploading: checks the real size and type, strips image metadata, makes a thumbnail. A refused " +
      "file is deleted. The attachment can then be sent with sendMessage(attachmentIds:).",
    args: { uploadId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.media.completeUpload(requireViewer(ctx).id, args.uploadId),
  }),
}));

/** Attachments of a message: inline in events (no query), batched per page for history. */
const attachmentsOf = (message: MessagePayload, ctx: Context) =>
  message.attachments ?? ctx.services.media.attachmentsOf(message.id);

builder.objectFields(MessageRef, (t) => ({
  attachments: t.field({
    type: [AttachmentRef],
    description: "Files sent with the message, in upload order (a message may be attachments only).",
    resolve: (message, _args, ctx) => attachmentsOf(message, ctx),
  }),
  legacyContent: t.string({
    description:
      "The message as a client without attachments shows it: its content, then one download link per " +
      "attachment, a line each (links expire like `Attachment.url`). Equal to `content` without attachments.",
    resolve: async (message, _args, ctx) => {
      const attachments = await attachmentsOf(message, ctx);
      const links = await Promise.all(attachments.map(async (file) => (await ctx.services.media.urls(file)).url));
      return legacyContent(message.content, links);
    },
  }),
}));
