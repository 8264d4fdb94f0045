/** The block state of a conversation (DIRECT only): the peer's User is what block/unblock updates live. */
export interface BlockState {
  byMe: boolean;
  me: boolean;
  any: boolean;
}

interface Blockable {
  kind: "DIRECT" | "GROUP";
  isBlockedByMe: boolean;
  hasBlockedMe: boolean;
  peer: { isBlockedByMe: boolean; hasBlockedMe: boolean } | null;
}

export function blockState(chat: Blockable): BlockState {
  if (chat.kind !== "DIRECT") return { byMe: false, me: false, any: false };
  const byMe = chat.peer ? chat.peer.isBlockedByMe : chat.isBlockedByMe;
  const me = chat.peer ? chat.peer.hasBlockedMe : chat.hasBlockedMe;
  return { byMe, me, any: byMe || me };
}

/** Why the composer is off, or null when it is on. */
export function composerBlockedReason(state: BlockState, peerName: string): string | null {
  if (state.byMe) return `You blocked ${peerName}. Unblock them to send messages.`;
  if (state.me) return `${peerName} has blocked you. You can't send messages in this conversation.`;
  return null;
}
