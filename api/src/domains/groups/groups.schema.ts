import { MAX_GROUP_MEMBERS } from "../../config.ts";
import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import { ChatRef } from "../chat/chat.schema.ts";
import { USERNAME_MAX } from "../users/users.validation.ts";
import { type GroupsService, MAX_GROUP_TITLE_LENGTH } from "./groups.service.ts";

const RoleArg = builder.enumType("AssignableRole", {
  values: ["ADMIN", "MEMBER"] as const,
  description: "Roles the owner assigns (ownership moves with transferGroupOwnership).",
});

/** A change to a group, then the group as I now see it, loaded with the client's selection. */
const thenTheGroup =
  <Args extends { chatId: string }>(
    change: (groups: GroupsService, viewerId: string, args: Args) => Promise<unknown>,
  ) =>
  async (query: object, _root: unknown, args: Args, ctx: Context) => {
    const viewerId = requireViewer(ctx).id;
    await change(ctx.services.groups, viewerId, args);
    return ctx.services.chat.requireChat(viewerId, args.chatId, query);
  };

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
      resolve: thenTheGroup((groups, viewerId, a) => groups.renameGroup(viewerId, a.chatId, a.title)),
    }),
    addMembers: t.prismaField({
      type: ChatRef,
      description: "Admins: add people (not banned ones, nobody who blocked me, up to the maximum).",
      args: { chatId: chatId(), usernames: usernames() },
      resolve: thenTheGroup((groups, viewerId, a) => groups.addMembers(viewerId, a.chatId, a.usernames)),
    }),
    removeMember: t.prismaField({
      type: ChatRef,
      description: "Admins: remove a member (never the owner; only the owner removes an admin).",
      args: { chatId: chatId(), username: username() },
      resolve: thenTheGroup((groups, viewerId, a) => groups.removeMember(viewerId, a.chatId, a.username)),
    }),
    banMember: t.prismaField({
      type: ChatRef,
      description: "Admins: remove someone and keep them out until unbanned (rank rules as removeMember).",
      args: { chatId: chatId(), username: username() },
      resolve: thenTheGroup((groups, viewerId, a) => groups.banMember(viewerId, a.chatId, a.username)),
    }),
    unbanMember: t.prismaField({
      type: ChatRef,
      description: "Admins: lift a ban (the person can then be added again).",
      args: { chatId: chatId(), username: username() },
      resolve: thenTheGroup((groups, viewerId, a) => groups.unbanMember(viewerId, a.chatId, a.username)),
    }),
    setMemberRole: t.prismaField({
      type: ChatRef,
      description: "Owner: make a member an admin, or an admin a member.",
      args: { chatId: chatId(), username: username(), role: t.arg({ type: RoleArg, required: true }) },
      resolve: thenTheGroup((groups, viewerId, a) => groups.setMemberRole(viewerId, a.chatId, a.username, a.role)),
    }),
    transferGroupOwnership: t.prismaField({
      type: ChatRef,
      description: "Owner: hand the group to another member; I stay on as an admin.",
      args: { chatId: chatId(), username: username() },
      resolve: thenTheGroup((groups, viewerId, a) => groups.transferOwnership(viewerId, a.chatId, a.username)),
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
