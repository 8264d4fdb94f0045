import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { badInput, forbidden, notFound } from "../../../graphql/errors.ts";
import { processWide } from "../../../graphql/loaders.ts";
import type { PageWindow } from "../../../graphql/pagination.ts";
import type { EventBus } from "../../../realtime/event-bus.ts";
import type { ActivitySink } from "../../presence/presence.service.ts";
import { type MessagePayload, publishChatEvent } from "../chat.events.ts";
import type { ChatService } from "../chat.service.ts";
import { HEART, parseEmoji } from "./emoji.ts";
import { viewOf } from "./reactions.events.ts";
import {
  addReaction,
  loadReactors,
  MAX_REACTIONS_PER_MEMBER,
  type ReactorPage,
  type ReactorsRequest,
  removeReaction,
  tallyReactions,
} from "./reactions.store.ts";

type Located = Awaited<ReturnType<ChatService["requireMessage"]>>;

/** Reactions of members on messages, the legacy like (the receiver's "❤️") among them. */
export class ReactionsService {
  private readonly reactors: DataLoader<ReactorsRequest, ReactorPage>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly chat: ChatService,
    /** reacting keeps a user online, as liking does (protocol §7) */
    private readonly presence: ActivitySink,
  ) {
    this.reactors = new DataLoader((requests) => loadReactors(prisma, requests), processWide());
  }

  /** Idempotent: a reaction the viewer already has changes nothing and sends no event. */
  async addReaction(viewerId: string, messageId: string, emojiInput: string): Promise<MessagePayload> {
    const emoji = parseEmoji(emojiInput);
    const located = await this.reactable(viewerId, messageId);
    const outcome = await addReaction(this.prisma, located.message.id, viewerId, emoji);
    if (outcome === "deleted") throw badInput("This message was deleted.", "messageId");
    if (outcome === "full" && !(await this.has(located.message.id, viewerId, emoji))) {
      throw badInput(`You can put at most ${MAX_REACTIONS_PER_MEMBER} different reactions on a message.`, "emoji");
    }
    if (outcome === "added") await this.changed(located, viewerId, emoji, true);
    return this.payload(viewerId, located);
  }

  /** Idempotent: removing a reaction the viewer does not have changes nothing and sends no event. */
  async removeReaction(viewerId: string, messageId: string, emojiInput: string): Promise<MessagePayload> {
    const emoji = parseEmoji(emojiInput);
    const located = await this.reactable(viewerId, messageId);
    if (await removeReaction(this.prisma, located.message.id, viewerId, emoji)) {
      await this.changed(located, viewerId, emoji, false);
    }
    return this.payload(viewerId, located);
  }

  /**
   * The legacy like (protocol §3.2): the viewer's "❤️" on someone else's message. Own messages cannot be liked;
   * setting the state it already has changes nothing but still sends MessageLikedEvent, as legacy re-broadcasts.
   * `inChatId`, when given, must be the message's chat (a client naming one chat and another chat's message likes
   * nothing: the legacy security gap, closed).
   */
  async setMessageLiked(
    viewerId: string,
    messageId: string,
    liked: boolean,
    inChatId?: string | null,
  ): Promise<MessagePayload> {
    const located = await this.chat.requireMessage(viewerId, messageId);
    if (inChatId != null && inChatId.toLowerCase() !== located.chat.id) {
      throw notFound("Message not found in this chat.");
    }
    if (located.message.senderId === viewerId) throw forbidden("You can't like your own message.");
    await this.reactable(viewerId, messageId, located);
    const id = located.message.id;
    const outcome = liked
      ? await addReaction(this.prisma, id, viewerId, HEART)
      : (await removeReaction(this.prisma, id, viewerId, HEART)) && "removed";
    if (outcome === "deleted") throw badInput("This message was deleted.", "messageId");
    await this.publishLiked(located, viewerId, liked); // first: what legacy clients (the bridge) follow
    if (outcome === "added" || outcome === "removed") await this.changed(located, viewerId, HEART, liked, false);
    return this.payload(viewerId, located);
  }

  /** Who reacted with `emoji` on a message the caller may see, first reactors first. */
  reactorsOf(messageId: string, emojiInput: string, window: PageWindow): Promise<ReactorPage> {
    return this.reactors.load({ messageId, emoji: parseEmoji(emojiInput), ...window });
  }

  /** A member's message, not deleted, in a chat no block separates. */
  private async reactable(viewerId: string, messageId: string, located?: Located): Promise<Located> {
    const found = located ?? (await this.chat.requireMessage(viewerId, messageId));
    if (found.message.deletedAt) throw badInput("This message was deleted.", "messageId");
    await this.chat.requireNotBlocked(found.chat);
    this.presence.activity(viewerId);
    return found;
  }

  private async has(messageId: string, userId: string, emoji: string): Promise<boolean> {
    const where = { messageId_userId_emoji: { messageId, userId, emoji } };
    return (await this.prisma.messageReaction.findUnique({ where, select: { emoji: true } })) !== null;
  }

  /**
   * Each member gets the message's reactions as they see them. A heart by the receiver is also the legacy like:
   * its MessageLikedEvent goes out too (`alsoLiked`), so legacy clients see a like made through reactions.
   */
  private async changed({ message, chat }: Located, byUserId: string, emoji: string, added: boolean, alsoLiked = true) {
    const [tallies, members] = await Promise.all([tallyReactions(this.prisma, message.id), this.chat.memberIds(chat)]);
    const at = new Date().toISOString();
    await Promise.all(
      members.map((userId) =>
        publishChatEvent(this.bus, [userId], {
          kind: "MESSAGE_REACTION",
          at,
          chatId: chat.id,
          messageId: message.id,
          emoji,
          added,
          byUserId,
          reactions: viewOf(tallies, userId),
        }),
      ),
    );
    if (alsoLiked && emoji === HEART && message.senderId !== byUserId) {
      await this.publishLiked({ message, chat }, byUserId, added);
    }
  }

  private async publishLiked({ message, chat }: Located, byUserId: string, liked: boolean) {
    await publishChatEvent(this.bus, await this.chat.memberIds(chat), {
      kind: "MESSAGE_LIKED",
      at: new Date().toISOString(),
      chatId: chat.id,
      messageId: message.id,
      liked,
      byUserId,
    });
  }

  private payload(viewerId: string, { message, chat }: Located): Promise<MessagePayload> {
    return this.chat.messageAt(viewerId, chat.id, message.seq);
  }
}
