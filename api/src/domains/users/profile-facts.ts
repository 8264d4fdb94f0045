import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { processWide } from "../../graphql/loaders.ts";

/** What a profile page shows beside the public fields: batched, so a list of K users costs three queries. */
export interface ProfileFacts {
  joinedAt: Date;
  /** users this one follows */
  friendCount: number;
  /** the viewer follows this user */
  isFriend: boolean;
}

interface Key {
  viewerId: string | undefined;
  userId: string;
}

const loaders = new WeakMap<PrismaClient, DataLoader<Key, ProfileFacts>>();

export function profileFacts(
  prisma: PrismaClient,
  viewerId: string | undefined,
  userId: string,
): Promise<ProfileFacts> {
  let loader = loaders.get(prisma);
  if (!loader) {
    loader = new DataLoader((keys) => loadFacts(prisma, keys), processWide());
    loaders.set(prisma, loader);
  }
  return loader.load({ viewerId, userId });
}

async function loadFacts(prisma: PrismaClient, keys: readonly Key[]): Promise<(ProfileFacts | Error)[]> {
  const userIds = [...new Set(keys.map((key) => key.userId))];
  const viewerIds = [...new Set(keys.flatMap((key) => (key.viewerId ? [key.viewerId] : [])))];
  const [users, counts, follows] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, createdAt: true } }),
    prisma.friendship.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } }),
    viewerIds.length > 0
      ? prisma.friendship.findMany({
          where: { userId: { in: viewerIds }, friendId: { in: userIds } },
          select: { userId: true, friendId: true },
        })
      : [],
  ]);
  const joined = new Map(users.map((user) => [user.id, user.createdAt]));
  const friendCount = new Map(counts.map((row) => [row.userId, row._count._all]));
  const followed = new Set(follows.map((row) => `${row.userId}>${row.friendId}`));
  return keys.map(({ viewerId, userId }) => {
    const joinedAt = joined.get(userId);
    if (!joinedAt) return new Error(`User ${userId} not found`);
    return {
      joinedAt,
      friendCount: friendCount.get(userId) ?? 0,
      isFriend: viewerId !== undefined && followed.has(`${viewerId}>${userId}`),
    };
  });
}
