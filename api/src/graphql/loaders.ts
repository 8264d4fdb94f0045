import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";

export interface BlockFlags {
  blockedByMe: boolean;
  hasBlockedMe: boolean;
}

/** Per-operation batch loaders: one query for every user or chat in a result, never one per row. */
export interface Loaders {
  blockFlags: DataLoader<string, BlockFlags>;
}

export function createLoaders(prisma: PrismaClient, viewerId: string | undefined): Loaders {
  return {
    blockFlags: new DataLoader(async (peerIds) => {
      if (!viewerId) return peerIds.map(() => ({ blockedByMe: false, hasBlockedMe: false }));
      const rows = await prisma.block.findMany({
        where: {
          OR: [
            { blockerId: viewerId, blockedId: { in: [...peerIds] } },
            { blockedId: viewerId, blockerId: { in: [...peerIds] } },
          ],
        },
      });
      return peerIds.map((peerId) => ({
        blockedByMe: rows.some((row) => row.blockerId === viewerId && row.blockedId === peerId),
        hasBlockedMe: rows.some((row) => row.blockedId === viewerId && row.blockerId === peerId),
      }));
    }),
  };
}
