import type { ChatKind, MessageStatus } from "../graphql/generated/graphql.ts";

interface Receipted {
  chatKind: ChatKind;
  status: MessageStatus | null;
  receipts: { deliveredCount: number; readCount: number };
}

const STATUS_TEXT: Record<MessageStatus, string> = { SENT: "Sent", DELIVERED: "Delivered", READ: "Read" };

/** My message's receipt: DIRECT "Sent" → "Delivered" → "Read"; a group "Delivered to n, read by m". */
export function receiptText(message: Receipted): string {
  if (message.chatKind === "GROUP") {
    return `Delivered to ${message.receipts.deliveredCount}, read by ${message.receipts.readCount}`;
  }
  return message.status ? STATUS_TEXT[message.status] : "";
}
