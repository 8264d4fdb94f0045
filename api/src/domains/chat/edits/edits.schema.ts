import { roomFor } from "../../../graphql/bounds.ts";
import { builder } from "../../../graphql/builder.ts";
import { requireViewer } from "../../../graphql/context.ts";
import { MessageRef } from "../chat.schema.ts";
import { MAX_MESSAGE_LENGTH } from "../chat.service.ts";
import { EDIT_WINDOW_MS } from "./edits.service.ts";

const minutes = EDIT_WINDOW_MS / 60_000;

builder.objectFields(MessageRef, (t) => ({
  editedAt: t.expose("editedAt", { type: "DateTime", nullable: true, description: "Last edit, if any." }),
  deletedAt: t.expose("deletedAt", {
    type: "DateTime",
    nullable: true,
    description: "Set on a deleted message: a tombstone with empty content and no reactions, kept in its place.",
  }),
}));

builder.mutationFields((t) => ({
  editMessage: t.field({
    type: MessageRef,
    description: `Change the content of my own message, within ${minutes} minutes of sending it; members get a MessageEditedEvent.`,
    args: {
      messageId: t.arg.id({ required: true }),
      content: t.arg.string({ required: true, maxLength: roomFor(MAX_MESSAGE_LENGTH) }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.messageEdits.editMessage(requireViewer(ctx).id, args.messageId, args.content),
  }),
  deleteMessage: t.field({
    type: MessageRef,
    description:
      "Delete my own message, or any message of a group I own or administer: it stays as a tombstone; members " +
      "get a MessageDeletedEvent.",
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.messageEdits.deleteMessage(requireViewer(ctx).id, args.messageId),
  }),
}));
