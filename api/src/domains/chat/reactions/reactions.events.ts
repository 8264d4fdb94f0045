/** One emoji of a message as one viewer sees it. */
export interface ReactionCount {
  emoji: string;
  count: number;
  reactedByMe: boolean;
}

/**
 * A reaction added or removed. Published to each member with that member's own `reactions` (counts and
 * reactedByMe, every emoji of the message), so a delivery needs no query.
 */
export interface ReactionEvent {
  kind: "MESSAGE_REACTION";
  at: string;
  chatId: string;
  messageId: string;
  emoji: string;
  added: boolean;
  byUserId: string;
  reactions: ReactionCount[];
}

/** Who reacted with each emoji, read once after a change, so each recipient's view costs no query. */
export interface ReactionTally {
  emoji: string;
  userIds: string[];
}

export function viewOf(tallies: readonly ReactionTally[], viewerId: string): ReactionCount[] {
  return tallies.map(({ emoji, userIds }) => ({
    emoji,
    count: userIds.length,
    reactedByMe: userIds.includes(viewerId),
  }));
}
