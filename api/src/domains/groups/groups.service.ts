import type { Chat, PrismaClient } from "@parley/db";
import { badInput, conflict, forbidden, notFound } from "../../graphql/errors.ts";
import { storableText, textProblem } from "../../infra/validation.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { type MessagePayload, publishChatEvent } from "../chat/chat.events.ts";
import { type PublicUser, publicUserSelect } from "../users/users.service.ts";
import { lookupKey } from "../users/users.validation.ts";
import {
  appendSystemMessage,
  type LockedGroup,
  lockGroup,
  memberIdsOf,
  requireAdmin,
  requireMemberNamed,
  requireOwner,
  type Tx,
} from "./group-changes.ts";

export const MAX_GROUP_TITLE_LENGTH = 100;
const TITLE_TEXT = storableText({ max: MAX_GROUP_TITLE_LENGTH, noControls: true });

/** What a change tells, after its commit: every member now, and those it took out. */
interface Outcome {
  chat: Chat;
  message: MessagePayload;
  memberIds: string[];
  removedUserIds: string[];
}

/**
 * Group conversations: creation, title, members, roles, bans. Every change runs in one transaction on the
 * locked chat row, leaves a SYSTEM message in the history and is published to every member after the
 * commit (and to the members it removed, so they learn it). Messages themselves go through ChatService.
 */
export class GroupsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    /** GROUP_MAX_MEMBERS: members of a group at most, its owner included */
    private readonly maxMembers: number,
  ) {}

  /** A group owned by the viewer with `usernames` as members (any number up to the maximum). */
  async createGroup(viewerId: string, title: string, usernames: readonly string[]): Promise<Chat> {
    const cleanTitle = checkTitle(title);
    const outcome = await this.prisma.$transaction(async (tx) => {
      const actor = await tx.user.findUniqueOrThrow({ where: { id: viewerId }, select: publicUserSelect });
      const invited = (await this.usersNamed(tx, usernames)).filter((user) => user.id !== viewerId);
      this.requireRoom(0, invited.length + 1);
      await this.requireNotBlockedBy(tx, viewerId, invited);
      const chat = await tx.chat.create({
        data: {
          kind: "GROUP",
          title: cleanTitle,
          ownerId: viewerId,
          members: {
            create: [{ userId: viewerId, role: "OWNER" }, ...invited.map((user) => ({ userId: user.id }))],
          },
        },
      });
      const message = await appendSystemMessage(tx, chat.id, actor, {
        action: "GROUP_CREATED",
        users: invited,
        title: cleanTitle,
      });
      return { chat, message, memberIds: [viewerId, ...invited.map((user) => user.id)], removedUserIds: [] };
    });
    await this.publishChange(outcome);
    return outcome.chat;
  }

  /** Admins rename a group. */
  renameGroup(viewerId: string, chatId: string, title: string): Promise<Chat> {
    const cleanTitle = checkTitle(title);
    return this.change(viewerId, chatId, async (tx, group) => {
      requireAdmin(group);
      await tx.chat.update({ where: { id: chatId }, data: { title: cleanTitle } });
      return { action: "GROUP_RENAMED", users: [], title: cleanTitle };
    });
  }

  /**
   * Admins add people (those already in stay as they are). Refused for someone banned (unban first), for
   * someone who blocked the admin, and past the maximum.
   */
  addMembers(viewerId: string, chatId: string, usernames: readonly string[]): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireAdmin(group);
      const named = await this.usersNamed(tx, usernames);
      const present = new Set(await memberIdsOf(tx, chatId));
      const added = named.filter((user) => !present.has(user.id));
      if (added.length === 0) throw conflict("Everyone named is already a member.", "usernames");
      this.requireRoom(present.size, added.length);
      const banned = await tx.chatBan.findFirst({
        where: { chatId, userId: { in: added.map((user) => user.id) } },
        select: { user: { select: { username: true } } },
      });
      if (banned) throw forbidden(`User ${banned.user.username} is banned from this group; unban them first.`);
      await this.requireNotBlockedBy(tx, viewerId, added);
      const { lastSeq } = await tx.chat.findUniqueOrThrow({ where: { id: chatId }, select: { lastSeq: true } });
      // newcomers see the history, but nothing from before they joined counts as unread for them
      await tx.chatMember.createMany({
        data: added.map((user) => ({ chatId, userId: user.id, readSeq: lastSeq, deliveredSeq: lastSeq })),
      });
      return { action: "MEMBERS_ADDED", users: added };
    });
  }

  /** Admins remove a member; never the owner, and only the owner removes an admin. */
  removeMember(viewerId: string, chatId: string, username: string): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireAdmin(group);
      const [target] = await this.usersNamed(tx, [username]);
      if (!target) throw notFound(`User ${username} not found.`);
      await this.requireOutranks(tx, group, target);
      await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId: target.id } } });
      return { action: "MEMBER_REMOVED", users: [target], removed: [target.id] };
    });
  }

  /**
   * Leaving: the owner hands ownership over first, unless they are the last member, and then the group is
   * deleted. Returns true.
   */
  async leaveGroup(viewerId: string, chatId: string): Promise<boolean> {
    const outcome = await this.prisma.$transaction(async (tx): Promise<Outcome | null> => {
      const group = await lockGroup(tx, viewerId, chatId);
      const members = await memberIdsOf(tx, chatId);
      if (group.role === "OWNER" && members.length > 1) {
        throw conflict("Hand ownership over (transferGroupOwnership) before leaving the group.");
      }
      if (members.length === 1) {
        await tx.chat.delete({ where: { id: chatId } });
        return null;
      }
      await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId: viewerId } } });
      const message = await appendSystemMessage(tx, chatId, group.actor, { action: "MEMBER_LEFT", users: [] });
      return { chat: group.chat, message, memberIds: members, removedUserIds: [viewerId] };
    });
    await (outcome ? this.publishChange(outcome) : this.publishDeleted(chatId, viewerId, [viewerId]));
    return true;
  }

  /** The owner deletes the group with its history; every member is told. Returns true. */
  async deleteGroup(viewerId: string, chatId: string): Promise<boolean> {
    const members = await this.prisma.$transaction(async (tx) => {
      requireOwner(await lockGroup(tx, viewerId, chatId));
      const ids = await memberIdsOf(tx, chatId);
      await tx.chat.delete({ where: { id: chatId } });
      return ids;
    });
    await this.publishDeleted(chatId, viewerId, members);
    return true;
  }

  /** The owner makes a member an admin, or an admin a member again. */
  setMemberRole(viewerId: string, chatId: string, username: string, role: "ADMIN" | "MEMBER"): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireOwner(group);
      const [target] = await this.usersNamed(tx, [username]);
      if (!target) throw notFound(`User ${username} not found.`);
      const member = await requireMemberNamed(tx, chatId, target);
      if (member.role === "OWNER") throw badInput("Use transferGroupOwnership to change the owner.", "username");
      if (member.role === role) throw conflict(`User ${target.username} is already ${role.toLowerCase()}.`);
      await tx.chatMember.update({ where: { chatId_userId: { chatId, userId: target.id } }, data: { role } });
      return { action: "ROLE_CHANGED", users: [target], role };
    });
  }

  /** The owner hands the group to another member, and stays on as an admin. */
  transferOwnership(viewerId: string, chatId: string, username: string): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireOwner(group);
      const [target] = await this.usersNamed(tx, [username]);
      if (!target) throw notFound(`User ${username} not found.`);
      if (target.id === viewerId) throw badInput("You already own this group.", "username");
      await requireMemberNamed(tx, chatId, target);
      await tx.chatMember.update({ where: { chatId_userId: { chatId, userId: target.id } }, data: { role: "OWNER" } });
      await tx.chatMember.update({ where: { chatId_userId: { chatId, userId: viewerId } }, data: { role: "ADMIN" } });
      await tx.chat.update({ where: { id: chatId }, data: { ownerId: target.id } });
      return { action: "OWNERSHIP_TRANSFERRED", users: [target] };
    });
  }

  /** Admins ban someone: removed if a member, and kept out until unbanned. Same rank rules as removing. */
  banMember(viewerId: string, chatId: string, username: string): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireAdmin(group);
      const [target] = await this.usersNamed(tx, [username]);
      if (!target) throw notFound(`User ${username} not found.`);
      if (target.id === viewerId) throw badInput("You can't ban yourself.", "username");
      const member = await tx.chatMember.findUnique({ where: { chatId_userId: { chatId, userId: target.id } } });
      if (member) await this.requireOutranks(tx, group, target);
      const { count } = await tx.chatBan.createMany({
        data: [{ chatId, userId: target.id, bannedBy: viewerId }],
        skipDuplicates: true,
      });
      if (count === 0) throw conflict(`User ${target.username} is already banned.`);
      if (member) await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId: target.id } } });
      return { action: "MEMBER_BANNED", users: [target], removed: member ? [target.id] : [] };
    });
  }

  /** Admins lift a ban; the person may then be added again (unbanning does not add them). */
  unbanMember(viewerId: string, chatId: string, username: string): Promise<Chat> {
    return this.change(viewerId, chatId, async (tx, group) => {
      requireAdmin(group);
      const [target] = await this.usersNamed(tx, [username]);
      if (!target) throw notFound(`User ${username} not found.`);
      const { count } = await tx.chatBan.deleteMany({ where: { chatId, userId: target.id } });
      if (count === 0) throw conflict(`User ${target.username} is not banned from this group.`);
      return { action: "MEMBER_UNBANNED", users: [target] };
    });
  }

  /** One change: lock, apply, record as a SYSTEM message, commit, then tell every member (and the removed). */
  private async change(
    viewerId: string,
    chatId: string,
    apply: (tx: Tx, group: LockedGroup) => Promise<ChangeRecord>,
  ): Promise<Chat> {
    const outcome = await this.prisma.$transaction(async (tx): Promise<Outcome> => {
      const group = await lockGroup(tx, viewerId, chatId);
      const { removed = [], ...record } = await apply(tx, group);
      const message = await appendSystemMessage(tx, chatId, group.actor, record);
      const chat = await tx.chat.findUniqueOrThrow({ where: { id: chatId } });
      return { chat, message, memberIds: [...(await memberIdsOf(tx, chatId)), ...removed], removedUserIds: removed };
    });
    await this.publishChange(outcome);
    return outcome.chat;
  }

  /** The named users, each once, in the order named; NOT_FOUND naming the first unknown one. */
  private async usersNamed(tx: Tx, usernames: readonly string[]): Promise<PublicUser[]> {
    const keys = [...new Set(usernames.map(lookupKey))];
    const users = await tx.user.findMany({
      where: { usernameKey: { in: keys } },
      select: { ...publicUserSelect, usernameKey: true },
    });
    const byKey = new Map(users.map(({ usernameKey, ...user }) => [usernameKey, user]));
    return keys.map((key, index) => {
      const user = byKey.get(key);
      if (!user) throw notFound(`User ${usernames.find((name) => lookupKey(name) === key) ?? index} not found.`);
      return user;
    });
  }

  private requireRoom(present: number, adding: number): void {
    if (present + adding > this.maxMembers) {
      throw badInput(`A group has at most ${this.maxMembers} members.`, "usernames");
    }
  }

  /** Someone who blocked you cannot be added by you (a person you blocked cannot add you). */
  private async requireNotBlockedBy(tx: Tx, adderId: string, users: readonly PublicUser[]): Promise<void> {
    const block = await tx.block.findFirst({
      where: { blockedId: adderId, blockerId: { in: users.map((user) => user.id) } },
      select: { blocker: { select: { username: true } } },
    });
    if (block) throw forbidden(`User ${block.blocker.username} has blocked you: you can't add them.`);
  }

  /** Removing or banning: the target is a member other than the owner, and only the owner acts on an admin. */
  private async requireOutranks(tx: Tx, group: LockedGroup, target: PublicUser): Promise<void> {
    if (target.id === group.actor.id) throw badInput("Use leaveGroup to leave the group.", "username");
    const member = await requireMemberNamed(tx, group.chat.id, target);
    if (member.role === "OWNER") throw forbidden("The owner cannot be removed from the group.");
    if (member.role === "ADMIN" && group.role !== "OWNER") throw forbidden("Only the owner may remove an admin.");
  }

  private publishChange({ chat, message, memberIds, removedUserIds }: Outcome): Promise<void> {
    return publishChatEvent(this.bus, memberIds, {
      kind: "GROUP_CHANGED",
      at: message.createdAt,
      chatId: chat.id,
      message,
      title: chat.title ?? "",
      removedUserIds,
    });
  }

  private publishDeleted(chatId: string, byUserId: string, memberIds: string[]): Promise<void> {
    return publishChatEvent(this.bus, memberIds, {
      kind: "GROUP_DELETED",
      at: new Date().toISOString(),
      chatId,
      byUserId,
    });
  }
}

/** What a change records: its SYSTEM message, and the members it took out. */
type ChangeRecord = Parameters<typeof appendSystemMessage>[3] & { removed?: string[] };

function checkTitle(title: string): string {
  const clean = title.trim();
  const problem = textProblem(TITLE_TEXT, clean);
  if (problem) throw badInput(`A group title ${problem}.`, "title");
  return clean;
}
