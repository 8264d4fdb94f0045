import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { blocksBetween } from "../domains/users/blocks.ts";

export interface BlockFlags {
  blockedByMe: boolean;
  hasBlockedMe: boolean;
}

/** The viewer's view of other users, batched: one query for every user of a result, never one per row. */
export interface Loaders {
  blockFlags: { load(peerId: string): Promise<BlockFlags> };
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

const blockLoaders = new WeakMap<PrismaClient, DataLoader<Pair, BlockFlags>>();

/** Per operation, a cheap view over the process-wide loaders. */
export function createLoaders(prisma: PrismaClient, viewerId: string | undefined): Loaders {
  let blocks = blockLoaders.get(prisma);
  if (!blocks) {
    blocks = new DataLoader((pairs) => loadBlockFlags(prisma, pairs), processWide());
    blockLoaders.set(prisma, blocks);
  }
  const shared = blocks;
  return {
    blockFlags: {
      load: (peerId) =>
        viewerId ? shared.load({ viewerId, peerId }) : Promise.resolve({ blockedByMe: false, hasBlockedMe: false }),
    },
  };
}

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
