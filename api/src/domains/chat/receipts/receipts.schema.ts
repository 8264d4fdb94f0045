import { builder } from "../../../graphql/builder.ts";
import { type Context, requireViewer } from "../../../graphql/context.ts";
import { pageArgs, pageWindow } from "../../../graphql/pagination.ts";
import { UserRef } from "../../users/users.schema.ts";
import type { MessagePayload } from "../chat.events.ts";
import { MessageRef } from "../chat.schema.ts";
import { type ReceiptSummary, summarize } from "./receipts.rules.ts";
import type { DeliveryPosition } from "./receipts.service.ts";
import type { ReceiptMember, ReceiptMemberPage } from "./receipts.store.ts";

/** Cursors are short digit strings (chat.service parseCursor checks their format). */
const MAX_CURSOR_LENGTH = 16;

const MessageStatusEnum = builder.enumType("MessageStatus", {
  values: ["SENT", "DELIVERED", "READ"] as const,
  description: "DELIVERED: every recipient's client received it; READ: every recipient read it.",
});

/** Carried by a new message's event; else derived from the members' positions, batched per chat. */
async function summaryOf(message: MessagePayload, ctx: Context): Promise<ReceiptSummary> {
  return message.receipts ?? summarize(await ctx.loaders.positions.load(message.chatId), message);
}

const ReceiptMemberRef = builder.objectRef<ReceiptMember>("ReceiptMember").implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (member) => member.user }),
    delivered: t.exposeBoolean("delivered"),
    read: t.exposeBoolean("read"),
  }),
});

const ReceiptMemberPageRef = builder.objectRef<ReceiptMemberPage>("ReceiptMemberPage").implement({
  fields: (t) => ({
    nodes: t.field({ type: [ReceiptMemberRef], resolve: (page) => page.nodes }),
    totalCount: t.exposeInt("totalCount"),
    hasNextPage: t.exposeBoolean("hasNextPage"),
  }),
});

const MessageReceiptsRef = builder
  .objectRef<{ message: MessagePayload; summary: ReceiptSummary }>("MessageReceipts")
  .implement({
    description: "Recipients: the other members who were members when it was sent.",
    fields: (t) => ({
      deliveredCount: t.int({ resolve: ({ summary }) => summary.deliveredCount }),
      readCount: t.int({ resolve: ({ summary }) => summary.readCount }),
      members: t.field({
        type: ReceiptMemberPageRef,
        description: "The recipients with what they have: readers first, then those it was delivered to.",
        args: pageArgs,
        resolve: ({ message }, args, ctx) => ctx.services.receipts.receiptMembers(message.id, pageWindow(args, 20)),
      }),
    }),
  });

builder.objectFields(MessageRef, (t) => ({
  status: t.field({
    type: MessageStatusEnum,
    nullable: true,
    description: "My own messages: SENT → DELIVERED → READ (in a DIRECT chat, the other person's). Null on others'.",
    resolve: async (message, _args, ctx) =>
      message.senderId === requireViewer(ctx).id ? (await summaryOf(message, ctx)).status : null,
  }),
  receipts: t.field({
    type: MessageReceiptsRef,
    description: "Delivered to n, read by m, and who.",
    resolve: async (message, _args, ctx) => ({ message, summary: await summaryOf(message, ctx) }),
  }),
}));

const DeliveryPositionRef = builder.objectRef<DeliveryPosition>("DeliveryPosition").implement({
  fields: (t) => ({
    chatId: t.exposeID("chatId"),
    deliveredCursor: t.string({ resolve: (position) => String(Math.max(position.deliveredSeq, position.readSeq)) }),
    readCursor: t.string({ resolve: (position) => String(position.readSeq) }),
  }),
});

builder.mutationFields((t) => ({
  markDelivered: t.field({
    type: DeliveryPositionRef,
    description:
      "My client received the messages up to `upTo` (a cursor; omitted: all). Moves forward only; members get " +
      "a DeliveryEvent (at most one a second per chat, the latest position always).",
    args: {
      chatId: t.arg.id({ required: true }),
      upTo: t.arg.string({ required: false, maxLength: MAX_CURSOR_LENGTH }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.receipts.markDelivered(requireViewer(ctx).id, args.chatId, args.upTo ?? null),
  }),
}));
