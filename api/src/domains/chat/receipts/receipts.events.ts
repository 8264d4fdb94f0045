/**
 * A member's delivery position moved (markDelivered): their positions after the move, from which every client
 * derives the status and counts of the messages it shows. Reads have their own events (CHAT_READ, MESSAGE_READ).
 */
export interface DeliveryEvent {
  kind: "DELIVERY";
  at: string;
  chatId: string;
  byUserId: string;
  deliveredSeq: number;
  readSeq: number;
}
