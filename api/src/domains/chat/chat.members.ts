import type { Prisma } from "@parley/db";

/** A DIRECT chat's two users are stored ordered (user_a_id < user_b_id) so each pair has one chat. */
export function chatPair(userId: string, otherId: string): { userAId: string; userBId: string } {
  return userId < otherId ? { userAId: userId, userBId: otherId } : { userAId: otherId, userBId: userId };
}

/** The other user of a DIRECT chat; null for a group. */
export function peerOf(chat: { userAId: string | null; userBId: string | null }, viewerId: string): string | null {
  return chat.userAId === viewerId ? chat.userBId : chat.userAId;
}

/**
 * The participant rule, once, in the three forms callers need (test/rules.test.ts pins them to the same
 * answers): a user reads and writes a chat, DIRECT or GROUP, exactly when they are one of its members (a
 * chat_members row). Leaving, being removed or banned ends it; nothing else grants it.
 */
export function isMember(chat: { members: readonly { userId: string }[] }, userId: string): boolean {
  return chat.members.some((member) => member.userId === userId);
}

/** Prisma form: the chats `userId` is a member of. */
export function memberWhere(userId: string): Prisma.ChatWhereInput {
  return { members: { some: { userId } } };
}

/** SQL form: true when the user id expression `user` is a member of the chats row aliased `chat`. */
export function memberSql(chat: string, user: string): string {
  return `EXISTS (SELECT 1 FROM chat_members WHERE chat_members.chat_id = ${chat}.id AND chat_members.user_id = ${user})`;
}

/** The viewer's own membership row, as a relation selection: enough for isMember, role and read position. */
export function myMembership(viewerId: string) {
  return { where: { userId: viewerId }, select: { userId: true, role: true, readSeq: true } } as const;
}
