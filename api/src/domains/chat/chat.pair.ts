/** A chat's participants are stored ordered (user_a_id < user_b_id) so each pair has one chat. */
export function chatPair(userId: string, otherId: string): { userAId: string; userBId: string } {
  return userId < otherId ? { userAId: userId, userBId: otherId } : { userAId: otherId, userBId: userId };
}

export function peerOf(chat: { userAId: string; userBId: string }, viewerId: string): string {
  return chat.userAId === viewerId ? chat.userBId : chat.userAId;
}

export function isParticipant(chat: { userAId: string; userBId: string }, userId: string): boolean {
  return chat.userAId === userId || chat.userBId === userId;
}
