import type { PrismaClient } from "@parley/db";
import { badInput, forbidden } from "../../../graphql/errors.ts";
import type { EventBus } from "../../../realtime/event-bus.ts";
import { type MessagePayload, publishChatEvent } from "../chat.events.ts";
import { type ChatService, checkContent } from "../chat.service.ts";

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
    const located = await this.chat.requireMessage(viewerId, messageId);
    const { message, chat } = located;
    if (message.senderId !== viewerId) throw forbidden("You can only edit your own messages.");
    await this.chat.requireNotBlocked(chat);
    this.refuseEdit(message);
    if (message.content === content) return this.payload(viewerId, located);
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
    await publishChatEvent(this.bus, await this.chat.memberIds(chat), {
      kind: "MESSAGE_EDITED",
      at: editedAt,
      chatId: chat.id,
      messageId: message.id,
      content,
      editedAt,
      byUserId: viewerId,
    });
    return this.payload(viewerId, located);
  }

  /**
   * Own messages, or any message of a group by its owner or an admin. The row stays as a tombstone (content emptied, reactions removed), so cursors, pages and
   * counts do not shift; its clientMessageId stays too, so a retried send does not bring it back. Deleting a
   * tombstone again changes nothing and sends no event.
   */
  async deleteMessage(viewerId: string, messageId: string): Promise<MessagePayload> {
    const located = await this.chat.requireMessage(viewerId, messageId);
    const { message, chat } = located;
    if (!mayDelete(viewerId, located)) {
      throw forbidden("You can only delete your own messages (in a group, its owner and admins may delete any).");
    }
    const deleted = await this.prisma.$transaction(async (tx) => {
      const [row] = await tx.message.updateManyAndReturn({
        where: { id: message.id, deletedAt: null },
        data: { content: "", deletedAt: new Date() },
      });
      await tx.messageReaction.deleteMany({ where: { messageId: message.id } });
      return row;
    });
    if (!deleted?.deletedAt) return this.payload(viewerId, located); // deleted already, or by a concurrent call
    const deletedAt = deleted.deletedAt.toISOString();
    await publishChatEvent(this.bus, await this.chat.memberIds(chat), {
      kind: "MESSAGE_DELETED",
      at: deletedAt,
      chatId: chat.id,
      messageId: message.id,
      deletedAt,
      byUserId: viewerId,
    });
    return this.payload(viewerId, located);
  }

  private refuseEdit(message: { deletedAt: Date | null; createdAt: Date }): void {
    if (message.deletedAt) throw badInput("This message was deleted.", "messageId");
    if (Date.now() - message.createdAt.getTime() >= this.editWindowMs) {
      const minutes = Math.round(this.editWindowMs / 60_000);
      throw badInput(`A message can be edited only within ${minutes} minutes of sending it.`, "messageId");
    }
  }

  private payload(viewerId: string, { message, chat }: Located): Promise<MessagePayload> {
    return this.chat.messageAt(viewerId, chat.id, message.seq);
  }
}

/** The sender, or in a group its owner or an admin (the viewer's membership comes with the chat). */
function mayDelete(viewerId: string, { message, chat }: Located): boolean {
  if (message.senderId === viewerId) return true;
  const role = chat.members.find((member) => member.userId === viewerId)?.role;
  return chat.kind === "GROUP" && (role === "OWNER" || role === "ADMIN");
}
