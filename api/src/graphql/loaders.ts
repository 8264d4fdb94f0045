import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import type { ReactionCount } from "../domains/chat/reactions/reactions.events.ts";
import { loadReactionCounts, type ReactionKey } from "../domains/chat/reactions/reactions.store.ts";
import type { MemberPosition } from "../domains/chat/receipts/receipts.rules.ts";
import { loadPositions } from "../domains/chat/receipts/receipts.store.ts";
import { blocksBetween } from "../domains/users/blocks.ts";

export interface BlockFlags {
  blockedByMe: boolean;
  hasBlockedMe: boolean;
}

/** The viewer's view of other users, batched: one query for every user of a result, never one per row. */
export interface Loaders {
  blockFlags: { load(peerId: string): Promise<BlockFlags> };
  /** a message's reactions as the viewer sees them */
  reactions: { load(messageId: string): Promise<ReactionCount[]> };
  /** every member's delivery and read positions in a chat (the same for every viewer) */
  positions: { load(chatId: string): Promise<MemberPosition[]> };
}

/**
 * Options of a loader shared by every operation of the process: what one event-loop turn asks for is one
 * batch, so an event delivered to K subscribers costs one query, not K. Uncached: a subscription's context
 * lives for hours, and each batch must read the current state (a block made since, say).
 */
export function processWide<K, V>(): DataLoader.Options<K, V> {
  return { cache: false, maxBatchSize: 1000, batchScheduleFn: (run) => setImmediate(run) };
}

interface Pair {
  viewerId: string;
  peerId: string;
}

interface Shared {
  blocks: DataLoader<Pair, BlockFlags>;
  reactions: DataLoader<ReactionKey, ReactionCount[]>;
  positions: DataLoader<string, MemberPosition[]>;
}

const sharedLoaders = new WeakMap<PrismaClient, Shared>();

function sharedFor(prisma: PrismaClient): Shared {
  let shared = sharedLoaders.get(prisma);
  if (!shared) {
    shared = {
      blocks: new DataLoader((pairs) => loadBlockFlags(prisma, pairs), processWide()),
      reactions: new DataLoader((keys) => loadReactionCounts(prisma, keys), processWide()),
      positions: new DataLoader((chatIds) => loadPositions(prisma, chatIds), processWide()),
    };
    sharedLoaders.set(prisma, shared);
  }
  return shared;
}

/** Per operation, a cheap view over the process-wide loaders. */
export function createLoaders(prisma: PrismaClient, viewerId: string | undefined): Loaders {
  const shared = sharedFor(prisma);
  return {
    blockFlags: {
      load: (peerId) =>
        viewerId
          ? shared.blocks.load({ viewerId, peerId })
          : Promise.resolve({ blockedByMe: false, hasBlockedMe: false }),
    },
    reactions: {
      // without a viewer nothing is "mine"; messages are reached only through a viewer's chats anyway
      load: (messageId) => shared.reactions.load({ messageId, viewerId: viewerId ?? NO_VIEWER }),
    },
    positions: shared.positions,
  };
}

const NO_VIEWER = "00000000-0000-0000-0000-000000000000";

async function loadBlockFlags(prisma: PrismaClient, pairs: readonly Pair[]): Promise<BlockFlags[]> {
  const peersOf = new Map<string, Set<string>>();
  for (const { viewerId, peerId } of pairs) peersOf.set(viewerId, (peersOf.get(viewerId) ?? new Set()).add(peerId));
  const rows = await prisma.block.findMany({
    where: { OR: [...peersOf].map(([viewerId, peers]) => blocksBetween(viewerId, [...peers])) },
    select: { blockerId: true, blockedId: true },
  });
  const blocked = new Set(rows.map((row) => `${row.blockerId}>${row.blockedId}`));
  return pairs.map(({ viewerId, peerId }) => ({
    blockedByMe: blocked.has(`${viewerId}>${peerId}`),
    hasBlockedMe: blocked.has(`${peerId}>${viewerId}`),
  }));
}
