import { blocksSql, eitherBlockedSql } from "../users/blocks.ts";

/**
 * What a block means in a chat, once, in its TS and SQL forms. DIRECT: a block either way separates the pair
 * (no messages, likes or typing), and while it stands the chat's messages count as read for both. GROUP: nobody
 * is stopped writing; messages from someone the viewer blocked are flagged for them and count as read for them.
 */

/** SQL: the DIRECT chat row aliased `chat` is separated by a block (false for a group). */
export function directBlockedSql(chat: string): string {
  return `(${chat}.kind = 'DIRECT' AND ${eitherBlockedSql(`${chat}.user_a_id`, `${chat}.user_b_id`)})`;
}

/** SQL: `reader` does not count the message row `message` of chat row `chat` as unread because of a block. */
export function readByBlockSql(chat: string, message: string, reader: string): string {
  return `CASE WHEN ${chat}.kind = 'DIRECT' THEN ${directBlockedSql(chat)}
    ELSE ${blocksSql(reader, `${message}.sender_id`)} END`;
}

/** TS: in a group, a message from someone the viewer blocked counts as read for them. */
export function readByGroupBlock(chatKind: "DIRECT" | "GROUP", senderBlockedByViewer: boolean): boolean {
  return chatKind === "GROUP" && senderBlockedByViewer;
}
