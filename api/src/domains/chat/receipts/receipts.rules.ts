import { Prisma } from "@parley/db";

/** A member's positions in a chat's seq order (chat_members): everything up to them is delivered / read. */
export interface MemberPosition {
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  joinedAt: Date;
}

export type MessageStatus = "SENT" | "DELIVERED" | "READ";

export interface ReceiptSummary {
  deliveredCount: number;
  readCount: number;
  status: MessageStatus;
}

/** A message nobody else has received yet: what a send's event carries. */
export function nobodyYet(): ReceiptSummary {
  return { deliveredCount: 0, readCount: 0, status: "SENT" };
}

/**
 * The receipt rule, once, in TypeScript and SQL (test/receipts.test.ts pins them to the same answers). A message's
 * recipients are the other members who were members when it was sent (a later joiner is no recipient). A read
 * implies delivery.
 */
export function isRecipient(position: MemberPosition, message: { senderId: string; createdAt: string }): boolean {
  return position.userId !== message.senderId && position.joinedAt.getTime() <= Date.parse(message.createdAt);
}
export const hasDelivered = (position: MemberPosition, seq: number) =>
  Math.max(position.deliveredSeq, position.readSeq) >= seq;
export const hasRead = (position: MemberPosition, seq: number) => position.readSeq >= seq;

/** SQL: chat_members row `cm` is a recipient of messages row `m`. */
export const recipientSql = (cm: string, m: string) =>
  Prisma.raw(`${cm}.user_id <> ${m}.sender_id AND ${cm}.joined_at <= ${m}.created_at`);
/** SQL: chat_members row `cm` has messages row `m` delivered / read. */
export const deliveredSql = (cm: string, m: string) =>
  Prisma.raw(`greatest(${cm}.delivered_seq, ${cm}.read_seq) >= ${m}.seq`);
export const readSql = (cm: string, m: string) => Prisma.raw(`${cm}.read_seq >= ${m}.seq`);

/**
 * SENT → DELIVERED (every recipient got it) → READ (every recipient read it). In a DIRECT chat that is the other
 * person's state; a message without recipients stays SENT.
 */
export function summarize(
  positions: readonly MemberPosition[],
  message: { senderId: string; createdAt: string; seq: number },
): ReceiptSummary {
  const recipients = positions.filter((position) => isRecipient(position, message));
  const deliveredCount = recipients.filter((position) => hasDelivered(position, message.seq)).length;
  const readCount = recipients.filter((position) => hasRead(position, message.seq)).length;
  const all = (count: number) => recipients.length > 0 && count === recipients.length;
  return { deliveredCount, readCount, status: all(readCount) ? "READ" : all(deliveredCount) ? "DELIVERED" : "SENT" };
}
