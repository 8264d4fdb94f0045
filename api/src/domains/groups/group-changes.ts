import type { Chat, MemberRole, PrismaClient } from "@parley/db";
import { badInput, forbidden, notFound } from "../../graphql/errors.ts";
import { isUuid } from "../../infra/validation.ts";
import { type MessagePayload, newMessageState, type SystemChange } from "../chat/chat.events.ts";
import { type PublicUser, publicUserSelect } from "../users/users.service.ts";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** A group as a change sees it, inside the change's transaction: its row is locked until the commit. */
export interface LockedGroup {
  chat: Chat;
  /** the acting member */
  actor: PublicUser;
  role: MemberRole;
}

/**
 * Opens the transaction of a group change: locks the chat row (so concurrent changes, and the message writer
 * bumping last_seq, run one after the other), checks it is a GROUP and that the viewer is a member.
 */
export async function lockGroup(tx: Tx, viewerId: string, chatId: string): Promise<LockedGroup> {
  if (!isUuid(chatId)) throw notFound("Chat not found.");
  await tx.$queryRaw`SELECT id FROM chats WHERE id = ${chatId}::uuid FOR UPDATE`;
  const chat = await tx.chat.findUnique({
    where: { id: chatId },
    include: { members: { where: { userId: viewerId }, include: { user: { select: publicUserSelect } } } },
  });
  if (!chat) throw notFound("Chat not found.");
  const [me] = chat.members;
  if (!me) throw forbidden("You are not a member of this chat.");
  if (chat.kind !== "GROUP") throw badInput("This is not a group.", "chatId");
  const { members: _members, ...row } = chat;
  return { chat: row, actor: me.user, role: me.role };
}

/** Owner and admins run a group; members only take part. */
export function requireAdmin(group: LockedGroup): void {
  if (group.role === "MEMBER") throw forbidden("Only the group's owner and admins may do this.");
}

export function requireOwner(group: LockedGroup): void {
  if (group.role !== "OWNER") throw forbidden("Only the group's owner may do this.");
}

/**
 * Records a change in the history as a SYSTEM message, at the chat's next seq (the row is locked by
 * lockGroup), sent by the member who made it.
 */
export async function appendSystemMessage(
  tx: Tx,
  chatId: string,
  actor: PublicUser,
  change: Omit<SystemChange, "actor" | "title" | "role"> & Partial<Pick<SystemChange, "title" | "role">>,
): Promise<MessagePayload> {
  const system: SystemChange = { title: null, role: null, ...change, actor };
  const { lastSeq } = await tx.chat.update({
    where: { id: chatId },
    data: { lastSeq: { increment: 1 }, activityAt: new Date() },
    select: { lastSeq: true },
  });
  const stored = await tx.message.create({
    data: { chatId, seq: lastSeq, kind: "SYSTEM", senderId: actor.id, content: "", system: toJson(system) },
    select: { id: true, createdAt: true },
  });
  return {
    id: stored.id,
    chatId,
    chatKind: "GROUP",
    seq: lastSeq,
    kind: "SYSTEM",
    system,
    senderId: actor.id,
    sender: actor,
    content: "",
    clientTimestamp: null,
    createdAt: stored.createdAt.toISOString(),
    ...newMessageState(),
  };
}

/** Who is in the group now. */
export async function memberIdsOf(tx: Tx, chatId: string): Promise<string[]> {
  const members = await tx.chatMember.findMany({ where: { chatId }, select: { userId: true } });
  return members.map((member) => member.userId);
}

/** A member of the locked group, by username; NOT_FOUND when they are not one. */
export async function requireMemberNamed(tx: Tx, chatId: string, user: PublicUser) {
  const member = await tx.chatMember.findUnique({ where: { chatId_userId: { chatId, userId: user.id } } });
  if (!member) throw notFound(`User ${user.username} is not a member of this group.`);
  return member;
}

/** The stored form: plain objects (a Prisma JSON value has an index signature, an interface has none). */
const toJson = (system: SystemChange) => ({
  ...system,
  actor: { ...system.actor },
  users: system.users.map((user) => ({ ...user })),
});
