/** The sender changed a message's content (within the edit window). */
export interface MessageEditedEvent {
  kind: "MESSAGE_EDITED";
  at: string;
  chatId: string;
  messageId: string;
  content: string;
  editedAt: string;
  byUserId: string;
}

/** A message became a tombstone: content emptied, reactions gone; its cursor and place stay. */
export interface MessageDeletedEvent {
  kind: "MESSAGE_DELETED";
  at: string;
  chatId: string;
  messageId: string;
  deletedAt: string;
  byUserId: string;
}
