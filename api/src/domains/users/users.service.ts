import type { Prisma, PrismaClient, User } from "@parley/db";
import { badInput, conflict, forbidden, notFound } from "../../graphql/errors.ts";
import type { PageWindow } from "../../graphql/pagination.ts";
import { isUniqueViolation } from "../../infra/db-errors.ts";
import type { RateLimits } from "../../infra/rate-limit.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import { notBlocking } from "./blocks.ts";
import { lookupKey, nicknameSchema } from "./users.validation.ts";

export const DEFAULT_AVATAR = "/img/default_avatar.png";

/** List users online now first: the ids of everyone online (PresenceService.onlineIds). */
export interface OnlineOrder {
  onlineIds: readonly string[];
}

const orderBy: Prisma.UserOrderByWithRelationInput[] = [{ nicknameKey: "asc" }, { usernameKey: "asc" }];

/** Public profile fields: safe to embed in events and show to anyone. */
export interface PublicUser {
  id: string;
  username: string;
  nickname: string;
  avatar: string | null;
  elo: number;
}

export const publicUserSelect = { id: true, username: true, nickname: true, avatar: true, elo: true } as const;

/** Adding someone again within this time (after removing them) notifies them no more: one NEW_FRIEND per pair. */
export const NEW_FRIEND_WINDOW_MS = 24 * 3600 * 1000;

export class UsersService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly notifications: NotificationsService,
    private readonly limits: RateLimits,
  ) {}

  findByUsername(username: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { usernameKey: lookupKey(username) } });
  }

  async requireByUsername(username: string): Promise<User> {
    const user = await this.findByUsername(username);
    if (!user) throw notFound(`User ${username} not found.`);
    return user;
  }

  /** Prefix search on username or nickname, hiding users who blocked the viewer. */
  search(viewerId: string, query: string, window: PageWindow, order?: OnlineOrder) {
    // Prisma's startsWith does not escape LIKE wildcards: "%" or "_" in a query must match only themselves.
    const key = lookupKey(query.trim()).replace(/[\\%_]/g, "\\$&");
    return this.userPage(
      {
        OR: [{ usernameKey: { startsWith: key } }, { nicknameKey: { startsWith: key } }],
        ...notBlocking(viewerId),
      },
      window,
      order,
    );
  }

  friends(viewerId: string, window: PageWindow, order?: OnlineOrder) {
    return this.userPage({ friendedBy: { some: { userId: viewerId } } }, window, order);
  }

  blockedUsers(viewerId: string, window: PageWindow) {
    return this.userPage({ blockedBy: { some: { blockerId: viewerId } } }, window);
  }

  async updateNickname(viewerId: string, nickname: string): Promise<User> {
    const parsed = nicknameSchema.safeParse(nickname);
    if (!parsed.success) throw badInput(parsed.error.issues[0]?.message ?? "Invalid nickname.", "nickname");
    return this.prisma.user.update({
      where: { id: viewerId },
      data: { nickname: parsed.data, nicknameKey: lookupKey(parsed.data) },
    });
  }

  /**
   * One-way: the viewer follows `username`, unless a block separates them. Notifies them (NEW_FRIEND, pushed) unless
   * they were notified of this viewer within NEW_FRIEND_WINDOW_MS, so add/remove cycles cannot spam them.
   */
  async addFriend(viewerId: string, username: string): Promise<User> {
    await this.limits.consume("friendship", viewerId);
    const friend = await this.requireOther(viewerId, username, "Can't add yourself to the friendlist.");
    const [already, blocks] = await Promise.all([
      this.prisma.friendship.findUnique({ where: { userId_friendId: { userId: viewerId, friendId: friend.id } } }),
      this.prisma.block.findMany({
        where: {
          OR: [
            { blockerId: viewerId, blockedId: friend.id },
            { blockerId: friend.id, blockedId: viewerId },
          ],
        },
        select: { blockerId: true },
      }),
    ]);
    const alreadyFriends = () => conflict(`User ${friend.username} is already in the friendlist.`);
    if (already) throw alreadyFriends();
    if (blocks.some((block) => block.blockerId === viewerId))
      throw conflict(`User ${friend.username} is in the blocklist.`);
    if (blocks.length > 0) throw forbidden(`User ${friend.username} has blocked you.`);
    const viewer = await this.prisma.user.findUniqueOrThrow({ where: { id: viewerId }, select: publicUserSelect });
    const notification = await this.prisma
      .$transaction(async (tx) => {
        // a concurrent addFriend of the same user waits here, then fails: so the check below sees its notification
        await tx.friendship.create({ data: { userId: viewerId, friendId: friend.id } });
        const notified = await tx.notification.findFirst({
          where: {
            receiverId: friend.id,
            actorId: viewerId,
            kind: "NEW_FRIEND",
            createdAt: { gt: new Date(Date.now() - NEW_FRIEND_WINDOW_MS) },
          },
          select: { id: true },
        });
        return notified ? undefined : this.notifications.newFriend(viewer, friend.id, tx);
      })
      .catch((error: unknown) => {
        // lost a race with a concurrent addFriend of the same user
        throw isUniqueViolation(error) ? alreadyFriends() : error;
      });
    if (notification) await this.notifications.publishCreated([notification]);
    return friend;
  }

  async removeFriend(viewerId: string, username: string): Promise<User> {
    await this.limits.consume("friendship", viewerId);
    const friend = await this.requireByUsername(username);
    const { count } = await this.prisma.friendship.deleteMany({ where: { userId: viewerId, friendId: friend.id } });
    if (count === 0) throw conflict(`User ${friend.username} is not in the friendlist.`);
    return friend;
  }

  /**
   * Blocking also unfriends them. Their direct chat then counts as read, and after an unblock what was never
   * read by position is unread again: both derived from read positions (chat/read-state.ts), nothing written.
   */
  async blockUser(viewerId: string, username: string): Promise<User> {
    const target = await this.requireOther(viewerId, username, "Can't block self.");
    await this.prisma
      .$transaction(async (tx) => {
        await tx.block.create({ data: { blockerId: viewerId, blockedId: target.id } });
        await tx.friendship.deleteMany({ where: { userId: viewerId, friendId: target.id } });
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`User ${target.username} is already blocked.`);
        throw error;
      });
    return target;
  }

  async unblockUser(viewerId: string, username: string): Promise<User> {
    const target = await this.requireByUsername(username);
    const { count } = await this.prisma.block.deleteMany({ where: { blockerId: viewerId, blockedId: target.id } });
    if (count === 0) throw conflict(`User ${target.username} is not in your blocklist.`);
    return target;
  }

  private async userPage(where: Prisma.UserWhereInput, window: PageWindow, order?: OnlineOrder) {
    const [nodes, totalCount] = await Promise.all([
      order
        ? this.onlineFirst(where, window, order.onlineIds)
        : this.prisma.user.findMany({ where, orderBy, ...window }),
      this.prisma.user.count({ where }),
    ]);
    return { nodes, totalCount, hasNextPage: window.skip + nodes.length < totalCount };
  }

  /** The online part of the list, then the rest, each by nickname: the window may straddle both. */
  private async onlineFirst(where: Prisma.UserWhereInput, window: PageWindow, onlineIds: readonly string[]) {
    const online: Prisma.UserWhereInput = { AND: [where, { id: { in: [...onlineIds] } }] };
    const offline: Prisma.UserWhereInput = { AND: [where, { id: { notIn: [...onlineIds] } }] };
    const onlineCount = await this.prisma.user.count({ where: online });
    const first =
      window.skip < onlineCount
        ? await this.prisma.user.findMany({ where: online, orderBy, skip: window.skip, take: window.take })
        : [];
    const rest = window.take - first.length;
    const then =
      rest > 0
        ? await this.prisma.user.findMany({
            where: offline,
            orderBy,
            skip: Math.max(0, window.skip - onlineCount),
            take: rest,
          })
        : [];
    return [...first, ...then];
  }

  private async requireOther(viewerId: string, username: string, selfMessage: string): Promise<User> {
    const user = await this.requireByUsername(username);
    if (user.id === viewerId) throw badInput(selfMessage, "username");
    return user;
  }
}
