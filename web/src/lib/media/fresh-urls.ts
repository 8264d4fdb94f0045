import type { Client } from "@urql/core";
import { type AttachmentFieldsFragment, MessageAttachmentsDocument } from "../graphql/generated/graphql.ts";

/**
 * A message's attachments with new signed URLs (they expire within minutes). The answer also lands in the
 * cache, so every view of the message gets them. Null when the message cannot be fetched again.
 */
export async function freshAttachments(client: Client, messageId: string): Promise<AttachmentFieldsFragment[] | null> {
  const result = await client
    .query(MessageAttachmentsDocument, { id: messageId }, { requestPolicy: "network-only" })
    .toPromise();
  return result.data?.message.attachments ?? null;
}
