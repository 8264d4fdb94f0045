import { Prisma } from "@parley/db";
import { HEART } from "./emoji.ts";

/**
 * Legacy `is_liked`, derived: someone other than the sender reacted "❤️". In a direct chat that is the receiver,
 * the only one who could ever like it (protocol §3.2). SQL: true when the messages row aliased `message` is liked.
 */
export function likedSql(message: string): Prisma.Sql {
  const m = Prisma.raw(message);
  return Prisma.sql`EXISTS (SELECT 1 FROM message_reactions liked WHERE liked.message_id = ${m}.id
    AND liked.emoji = ${HEART} AND liked.user_id <> ${m}.sender_id)`;
}
