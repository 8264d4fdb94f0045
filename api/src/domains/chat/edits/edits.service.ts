import type { PrismaClient } from "@parley/db";
import { badInput, forbidden } from "../../../graphql/errors.ts";
import type { EventBus } from "../../../realtime/event-bus.ts";
import { type MessagePayload, publishChatEvent, toMessagePayload } from "../chat.events.ts";
import { chatMembers } from "../chat.pair.ts";
import { type ChatService, checkContent, messageInclude } from "../chat.service.ts";

/** How long after sending its sender may edit a message. */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

type Located = Awaited<ReturnType<ChatService["requireMessage"]>>;

/** Edits by the sender, within a window, and deletions that leave a tombstone. */
export class MessageEditsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly chat: ChatService,
    private readonly editWindowMs = EDIT_WINDOW_MS,
  ) {}

  /** The same content again changes nothing and sends no event. */
  async editMessage(viewerId: string, messageId: string, content: string): Promise<MessagePayload> {
    checkContent(content);
    const { message, chat } = await this.chat.requireMessage(viewerId, messageId);
    if (message.senderId !== viewerId) throw forbidden("You can only edit your own messages.");
    await this.chat.requireNotBlocked(chat);
    this.refuseEdit(message);
    if (message.content === content) return toMessagePayload(message);
    // the checks again, in the statement: a delete or the window's end in between wins
    const since = new Date(Date.now() - this.editWindowMs);
    const edited = await this.prisma.message.updateManyAndReturn({
      where: { id: message.id, deletedAt: null, createdAt: { gt: since } },
      data: { content, editedAt: new Date() },
    });
    const row = edited[0];
    if (!row) {
      this.refuseEdit(await this.prisma.message.findUniqueOrThrow({ where: { id: message.id } }));
      throw badInput("This message can no longer be edited.", "messageId");
    }
    const editedAt = (row.editedAt ?? new Date()).toISOString();
    await publishChatEvent(this.bus, chatMembers(chat), {
      kind: "MESSAGE_EDITED",
      at: editedAt,
      chatId: chat.id,
      messageId: message.id,
      content,
      editedAt,
      byUserId: viewerId,
    });
    return toMessagePayload({ ...message, ...row });
  }

  /**
   * Own messages only. The row stays as a tombstone (content emptied, reactions removed), so cursors, pages and
   * counts do not shift; its clientMessageId stays too, so a retried send does not bring it back. Deleting a
   * tombstone again changes nothing and sends no event.
   */
  async deleteMessage(viewerId: string, messageId: string): Promise<MessagePayload> {
    const located = await this.chat.requireMessage(viewerId, messageId);
    const { message, chat } = located;
    if (!this.mayDelete(viewerId, located)) throw forbidden("You can only delete your own messages.");
    const deleted = await this.prisma.$transaction(async (tx) => {
      const [row] = await tx.message.updateManyAndReturn({
        where: { id: message.id, deletedAt: null },
        data: { content: "", deletedAt: new Date() },
      });
      await tx.messageReaction.deleteMany({ where: { messageId: message.id } });
      return row;
    });
    if (!deleted?.deletedAt) return this.payload(message.id); // deleted already, or by a concurrent call
    const deletedAt = deleted.deletedAt.toISOString();
    await publishChatEvent(this.bus, chatMembers(chat), {
      kind: "MESSAGE_DELETED",
      at: deletedAt,
      chatId: chat.id,
      messageId: message.id,
      deletedAt,
      byUserId: viewerId,
    });
    return toMessagePayload({ ...message, ...deleted, reactions: [] });
  }

  private mayDelete(viewerId: string, { message }: Located): boolean {
    return message.senderId === viewerId;
  }

  private refuseEdit(message: { deletedAt: Date | null; createdAt: Date }): void {
    if (message.deletedAt) throw badInput("This message was deleted.", "messageId");
    if (Date.now() - message.createdAt.getTime() >= this.editWindowMs) {
      const minutes = Math.round(this.editWindowMs / 60_000);
      throw badInput(`A message can be edited only within ${minutes} minutes of sending it.`, "messageId");
    }
  }

  private async payload(messageId: string): Promise<MessagePayload> {
    return toMessagePayload(
      await this.prisma.message.findUniqueOrThrow({ where: { id: messageId }, include: messageInclude }),
    );
  }
}
