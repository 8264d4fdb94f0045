import type { Client } from "@urql/core";
import { type AttachmentFieldsFragment, MessageAttachmentsDocument } from "../graphql/generated/graphql.ts";
import { cursorBefore } from "./attachment-urls.ts";

/**
 * A message's attachments with new signed URLs (they expire within minutes). The answer also lands in the
 * cache, so every view of the message gets them. Null when the message cannot be fetched again.
 */
export async function freshAttachments(
  client: Client,
  chatId: string,
  messageId: string,
  cursor: string,
): Promise<AttachmentFieldsFragment[] | null> {
  const after = cursorBefore(cursor);
  if (after === null) return null;
  const result = await client
    .query(MessageAttachmentsDocument, { chatId, after }, { requestPolicy: "network-only" })
    .toPromise();
  const message = result.data?.chat.messages.nodes.find((node) => node.id === messageId);
  return message ? message.attachments : null;
}
