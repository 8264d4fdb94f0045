import { MAX_GROUP_MEMBERS } from "../../config.ts";
import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { ChatRef } from "../chat/chat.schema.ts";
import { USERNAME_MAX } from "../users/users.validation.ts";
import { MAX_GROUP_TITLE_LENGTH } from "./groups.service.ts";

const RoleArg = builder.enumType("AssignableRole", {
  values: ["ADMIN", "MEMBER"] as const,
  description: "Roles the owner assigns (ownership moves with transferGroupOwnership).",
});

// Group mutations return the group as I now see it, loaded with the client's selection.
builder.mutationFields((t) => {
  const chatId = () => t.arg.id({ required: true });
  const username = () => t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) });
  const usernames = () =>
    t.arg.stringList({ required: true, maxItems: MAX_GROUP_MEMBERS, maxLength: roomFor(USERNAME_MAX) });
  const title = () => t.arg.string({ required: true, maxLength: roomFor(MAX_GROUP_TITLE_LENGTH) });
  return {
    createGroup: t.prismaField({
      type: ChatRef,
      description:
        "Create a group I own, with `usernames` as members (up to GROUP_MAX_MEMBERS with me). Nobody who " +
        "blocked me can be added. Every member gets a GroupChangedEvent (GROUP_CREATED).",
      args: { title: title(), usernames: usernames() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        const chat = await ctx.services.groups.createGroup(viewerId, args.title, args.usernames);
        return ctx.services.chat.requireChat(viewerId, chat.id, query);
      },
    }),
    renameGroup: t.prismaField({
      type: ChatRef,
      description: "Admins: change the title (1 to 100 characters).",
      args: { chatId: chatId(), title: title() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.renameGroup(viewerId, args.chatId, args.title);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    addMembers: t.prismaField({
      type: ChatRef,
      description: "Admins: add people (not banned ones, nobody who blocked me, up to the maximum).",
      args: { chatId: chatId(), usernames: usernames() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.addMembers(viewerId, args.chatId, args.usernames);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    removeMember: t.prismaField({
      type: ChatRef,
      description: "Admins: remove a member (never the owner; only the owner removes an admin).",
      args: { chatId: chatId(), username: username() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.removeMember(viewerId, args.chatId, args.username);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    banMember: t.prismaField({
      type: ChatRef,
      description: "Admins: remove someone and keep them out until unbanned (rank rules as removeMember).",
      args: { chatId: chatId(), username: username() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.banMember(viewerId, args.chatId, args.username);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    unbanMember: t.prismaField({
      type: ChatRef,
      description: "Admins: lift a ban (the person can then be added again).",
      args: { chatId: chatId(), username: username() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.unbanMember(viewerId, args.chatId, args.username);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    setMemberRole: t.prismaField({
      type: ChatRef,
      description: "Owner: make a member an admin, or an admin a member.",
      args: { chatId: chatId(), username: username(), role: t.arg({ type: RoleArg, required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.setMemberRole(viewerId, args.chatId, args.username, args.role);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    transferGroupOwnership: t.prismaField({
      type: ChatRef,
      description: "Owner: hand the group to another member; I stay on as an admin.",
      args: { chatId: chatId(), username: username() },
      resolve: async (query, _root, args, ctx) => {
        const viewerId = requireViewer(ctx).id;
        await ctx.services.groups.transferOwnership(viewerId, args.chatId, args.username);
        return ctx.services.chat.requireChat(viewerId, args.chatId, query);
      },
    }),
    leaveGroup: t.boolean({
      description:
        "Leave a group. The owner hands ownership over first, unless they are its last member: then the " +
        "group is deleted.",
      args: { chatId: chatId() },
      resolve: (_root, args, ctx) => ctx.services.groups.leaveGroup(requireViewer(ctx).id, args.chatId),
    }),
    deleteGroup: t.boolean({
      description: "Owner: delete the group and its history; every member gets a GroupDeletedEvent.",
      args: { chatId: chatId() },
      resolve: (_root, args, ctx) => ctx.services.groups.deleteGroup(requireViewer(ctx).id, args.chatId),
    }),
  };
});
