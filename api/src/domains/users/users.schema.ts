import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import { pageArgs, pageWindow } from "../../graphql/pagination.ts";
import type { CarriedPresence } from "../presence/presence.events.ts";
import { profileFacts } from "./profile-facts.ts";
import { DEFAULT_AVATAR, type PublicUser, publicUserSelect } from "./users.service.ts";
import { NICKNAME_MAX, USERNAME_MAX } from "./users.validation.ts";

/**
 * What the User type resolves from: a stored row or a profile carried in an event, so its fields are defined
 * once for both and an event resolves without a query.
 */
export interface UserView extends PublicUser {
  /** users.last_activity, when the source is a stored row */
  lastActivity?: Date;
  /** presence as of the event that carried this user (presence events) */
  presence?: CarriedPresence;
}

/** Select this for a relation resolved as User. */
export const userViewSelect = { ...publicUserSelect, lastActivity: true } as const;

export const UserRef = builder.objectRef<UserView>("User").implement({
  description: "A player's public profile.",
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    nickname: t.exposeString("nickname"),
    avatar: t.string({ resolve: (user) => user.avatar ?? DEFAULT_AVATAR }),
    elo: t.exposeInt("elo"),
    isBlockedByMe: t.boolean({
      description: "The viewer blocked this user.",
      resolve: async (user, _args, ctx) => (await ctx.loaders.blockFlags.load(user.id)).blockedByMe,
    }),
    hasBlockedMe: t.boolean({
      description: "This user blocked the viewer.",
      resolve: async (user, _args, ctx) => (await ctx.loaders.blockFlags.load(user.id)).hasBlockedMe,
    }),
    joinedAt: t.field({
      type: "DateTime",
      description: "When the account was created.",
      resolve: async (user, _args, ctx) => (await profileFacts(ctx.prisma, ctx.viewer?.id, user.id)).joinedAt,
    }),
    friendCount: t.int({
      description: "How many users this user follows.",
      resolve: async (user, _args, ctx) => (await profileFacts(ctx.prisma, ctx.viewer?.id, user.id)).friendCount,
    }),
    isFriend: t.boolean({
      description: "The viewer follows this user.",
      resolve: async (user, _args, ctx) => (await profileFacts(ctx.prisma, ctx.viewer?.id, user.id)).isFriend,
    }),
  }),
});

/** `onlineFirst`: users online now come first (each part by nickname), as the legacy user lists order them. */
const orderArgs = builder.args((t) => ({
  onlineFirst: t.boolean({ required: false, defaultValue: false, description: "Users online now first." }),
}));

/** The viewer counts as online: this operation is their activity, even before the store has recorded it. */
const onlineOrder = async (ctx: Context, onlineFirst: boolean | null | undefined) => {
  if (!onlineFirst) return undefined;
  const online = await ctx.services.presence.onlineIds();
  return { onlineIds: ctx.viewer ? [ctx.viewer.id, ...online] : online };
};

export const UserPage = builder
  .objectRef<{ nodes: UserView[]; totalCount: number; hasNextPage: boolean }>("UserPage")
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [UserRef], resolve: (page) => page.nodes }),
      totalCount: t.exposeInt("totalCount"),
      hasNextPage: t.exposeBoolean("hasNextPage"),
    }),
  });

export const MeRef = builder.prismaObject("User", {
  variant: "Me",
  description: "The logged-in user, with what only they may see.",
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    nickname: t.exposeString("nickname"),
    avatar: t.string({ resolve: (user) => user.avatar ?? DEFAULT_AVATAR }),
    elo: t.exposeInt("elo"),
    email: t.exposeString("email"),
    profile: t.field({ type: UserRef, description: "The same user as others see them.", resolve: (user) => user }),
    unreadMessageCount: t.int({
      description: "Messages sent to me, in any chat, that I have not read.",
      resolve: (user, _args, ctx) => ctx.services.chat.unreadCount(user.id),
    }),
    unreadConversationCount: t.int({
      description: "My chats with at least one message I have not read.",
      resolve: (user, _args, ctx) => ctx.services.chat.unreadConversationCount(user.id),
    }),
    friends: t.field({
      type: UserPage,
      description: "Users I added as friends (one-way).",
      args: { ...pageArgs, ...orderArgs },
      resolve: async (user, args, ctx) =>
        ctx.services.users.friends(user.id, pageWindow(args, 20), await onlineOrder(ctx, args.onlineFirst)),
    }),
    blockedUsers: t.field({
      type: UserPage,
      args: pageArgs,
      resolve: (user, args, ctx) => ctx.services.users.blockedUsers(user.id, pageWindow(args, 20)),
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: MeRef,
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: requireViewer(ctx).id } }),
  }),
  user: t.field({
    type: UserRef,
    description: "A user by username (case-insensitive).",
    args: { username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }) },
    resolve: async (_root, args, ctx) => {
      requireViewer(ctx);
      return ctx.services.users.requireByUsername(args.username);
    },
  }),
  searchUsers: t.field({
    type: UserPage,
    description: "Users whose username or nickname starts with `query` (any case); hides users who blocked me.",
    args: { query: t.arg.string({ required: true, maxLength: roomFor(NICKNAME_MAX) }), ...pageArgs, ...orderArgs },
    resolve: async (_root, args, ctx) => {
      const viewer = requireViewer(ctx);
      const window = pageWindow(args, 20);
      return ctx.services.users.search(viewer.id, args.query, window, await onlineOrder(ctx, args.onlineFirst));
    },
  }),
}));

builder.mutationFields((t) => ({
  updateProfile: t.prismaField({
    type: MeRef,
    description: "Change my nickname (1 to 50 characters; shown beside my messages and found by search).",
    args: { nickname: t.arg.string({ required: true, maxLength: roomFor(NICKNAME_MAX) }) },
    resolve: (_query, _root, args, ctx) => ctx.services.users.updateNickname(requireViewer(ctx).id, args.nickname),
  }),
}));

builder.mutationFields((t) => {
  const relationMutation = (description: string, action: "addFriend" | "removeFriend" | "blockUser" | "unblockUser") =>
    t.field({
      type: UserRef,
      description,
      args: { username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }) },
      resolve: (_root, args, ctx) => ctx.services.users[action](requireViewer(ctx).id, args.username),
    });
  return {
    addFriend: relationMutation("Follow a user (one-way); they get a NEW_FRIEND notification.", "addFriend"),
    removeFriend: relationMutation("Stop following a user.", "removeFriend"),
    blockUser: relationMutation("Block a user: no messages either way; unfriends them.", "blockUser"),
    unblockUser: relationMutation("Unblock a user.", "unblockUser"),
  };
});
