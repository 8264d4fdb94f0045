import type { Prisma } from "@parley/db";

/** A chat's participants are stored ordered (user_a_id < user_b_id) so each pair has one chat. */
export function chatPair(userId: string, otherId: string): { userAId: string; userBId: string } {
  return userId < otherId ? { userAId: userId, userBId: otherId } : { userAId: otherId, userBId: userId };
}

export function peerOf(chat: { userAId: string; userBId: string }, viewerId: string): string {
  return chat.userAId === viewerId ? chat.userBId : chat.userAId;
}

/**
 * The participant rule, once, in the three forms callers need (test/rules.test.ts pins them to the same
 * answers): only a chat's two users may read or write it.
 */
export function isParticipant(chat: { userAId: string; userBId: string }, userId: string): boolean {
  return chat.userAId === userId || chat.userBId === userId;
}

/** Prisma form: the chats `userId` takes part in. */
export function participantWhere(userId: string): Prisma.ChatWhereInput {
  return { OR: [{ userAId: userId }, { userBId: userId }] };
}

/** SQL form: true when the user id expression `user` is a participant of the chats row aliased `chat`. */
export function participantSql(chat: string, user: string): string {
  return `${user} IN (${chat}.user_a_id, ${chat}.user_b_id)`;
}

/** Everyone a chat's events go to. */
export function chatMembers(chat: { userAId: string; userBId: string }): string[] {
  return [chat.userAId, chat.userBId];
}
