import type { PrismaClient } from "@parley/db";
import { chatPair } from "./chat.pair.ts";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** A block marks every message of the pair's chat read (both directions) so it stops counting as unread. */
export async function markPairChatRead(tx: Tx, userId: string, otherId: string): Promise<void> {
  await tx.message.updateMany({ where: { chat: chatPair(userId, otherId), isRead: false }, data: { isRead: true } });
}

/** Unblocking makes messages unread again unless their receiver actually read them. */
export async function restorePairChatUnread(tx: Tx, userId: string, otherId: string): Promise<void> {
  await tx.message.updateMany({
    where: { chat: chatPair(userId, otherId), isRead: true, isReallyRead: false },
    data: { isRead: false },
  });
}
