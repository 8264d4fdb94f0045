import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { processWide } from "../../../graphql/loaders.ts";
import type { PageWindow } from "../../../graphql/pagination.ts";
import type { RateLimits } from "../../../infra/rate-limit.ts";
import type { EventBus } from "../../../realtime/event-bus.ts";
import { publishChatEvent } from "../chat.events.ts";
import { type ChatService, MAX_SEQ, parseCursor } from "../chat.service.ts";
import {
  loadReceiptMembers,
  moveDelivered,
  type Positions,
  positionsOf,
  type ReceiptMemberPage,
  type ReceiptMembersRequest,
} from "./receipts.store.ts";

type ChatRow = Parameters<ChatService["memberIds"]>[0];

export interface DeliveryPosition {
  chatId: string;
  deliveredSeq: number;
  readSeq: number;
}

/**
 * Delivery receipts: each member's client acknowledges what it received. A burst of acknowledgements moves the
 * position each time but announces it at most once per `deliveryEvent` window per member and chat: the first move
 * at once, the latest one when the window ends (a timer in this process), so the last position always goes out.
 */
export class ReceiptsService {
  private readonly members: DataLoader<ReceiptMembersRequest, ReceiptMemberPage>;
  /** member:chat keys whose latest move waits for the end of a window */
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly chat: ChatService,
    private readonly limits: RateLimits,
    /** the deliveryEvent window, milliseconds */
    private readonly windowMs: number,
  ) {
    this.members = new DataLoader((requests) => loadReceiptMembers(prisma, requests), processWide());
  }

  /** Raises my delivery position to `upTo` (a cursor; null: the newest message), never lowers it. */
  async markDelivered(viewerId: string, chatId: string, upTo: string | null): Promise<DeliveryPosition> {
    await this.limits.consume("delivery", viewerId);
    const seq = upTo === null ? MAX_SEQ : parseCursor(upTo, "upTo");
    const chat = await this.chat.requireChat(viewerId, chatId);
    const moved = await moveDelivered(this.prisma, chat.id, viewerId, seq);
    if (moved) await this.announce(chat, viewerId, moved);
    return { chatId: chat.id, ...(moved ?? (await positionsOf(this.prisma, chat.id, viewerId))) };
  }

  /** A message's recipients with what they have, readers first. */
  receiptMembers(messageId: string, window: PageWindow): Promise<ReceiptMemberPage> {
    return this.members.load({ messageId, ...window });
  }

  private async announce(chat: ChatRow, viewerId: string, positions?: Positions): Promise<void> {
    const key = `${viewerId}:${chat.id}`;
    const sent = await this.limits.once("deliveryEvent", key, () => this.publish(chat, viewerId, positions));
    if (!sent && !this.trailing.has(key)) {
      const timer = setTimeout(() => {
        this.trailing.delete(key);
        // positions are the truth and clients catch up by query: a failed late announcement is only a lost nudge
        this.announce(chat, viewerId).catch(() => {});
      }, this.windowMs);
      timer.unref();
      this.trailing.set(key, timer);
    }
  }

  private async publish(chat: ChatRow, viewerId: string, known?: Positions): Promise<void> {
    const positions = known ?? (await positionsOf(this.prisma, chat.id, viewerId));
    await publishChatEvent(this.bus, await this.chat.memberIds(chat), {
      kind: "DELIVERY",
      at: new Date().toISOString(),
      chatId: chat.id,
      byUserId: viewerId,
      ...positions,
    });
  }
}
