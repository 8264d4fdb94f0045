import type { Notification, Prisma, PrismaClient } from "@parley/db";
import type { RateLimits } from "../../infra/rate-limit.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import { isEngaged, lockGameActivity } from "../games/engagement.ts";
import type { GameSettings } from "../games/game-settings.ts";
import { actorData } from "../notifications/notifications.service.ts";
import { eitherBlocked } from "../users/blocks.ts";
import type { PublicUser, UsersService } from "../users/users.service.ts";
import { lapsedAt, pendingAt } from "./invitation-status.ts";
import {
  type InvitationAction,
  type InvitationEvent,
  type InvitationPayload,
  invitationInclude,
  publishInvitationEvent,
  toInvitationPayload,
} from "./invitations.events.ts";
import {
  checkClientId,
  checkClientSettings,
  checkSettings,
  InvitationRefusal,
  MAX_USERNAME_LENGTH,
  refuse,
  validClientId,
} from "./refusals.ts";
import { announcement, type Transitioned, transition } from "./transitions.ts";

/** Concurrent accepts queue on one row lock: give them room to wait their turn. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/** Pushes notification rows that were already written (and committed) to their receivers: NotificationsService. */
export interface NotificationPublisher {
  publishCreated(rows: readonly Notification[]): Promise<void>;
  publishUpdated(rows: readonly Notification[]): Promise<void>;
}

export interface InviteInput {
  username: string;
  settings?: Record<string, unknown> | null;
  clientId?: string | null;
  /** the settings as the client spelled them: opaque text, passed on in the notification data */
  clientSettings?: string | null;
}

export interface ReplyInput {
  /** the inviter */
  username: string;
  accept: boolean;
  clientId?: string | null;
}

export interface InvitationsOptions {
  /** how long an invitation stays pending, milliseconds */
  ttlMs: number;
}

/**
 * Duel invitations (protocol §3.6–3.9, §5): every rule, the state machine, the GAME_INVITE notifications
 * and who is told what. Transitions are conditional updates on `status = 'PENDING'`, so of concurrent
 * transitions of one invitation exactly one wins; the users involved are row-locked first, so one user's
 * concurrent invites and accepts run one after the other and see each other's result.
 */
export class InvitationsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly users: UsersService,
    private readonly rateLimits: RateLimits,
    private readonly notifications: NotificationPublisher,
    private readonly options: InvitationsOptions,
  ) {}

  /** Invite a user to a duel. Inviting someone who invited you declines theirs first (§3.6 step 5). */
  async inviteToDuel(viewerId: string, input: InviteInput): Promise<InvitationPayload> {
    await this.rateLimits.consume("invitation", viewerId);
    return this.refusable(viewerId, "INVITE", input, async () => {
      const settings = checkSettings(input.settings);
      const clientId = checkClientId(input.clientId);
      const clientSettings = checkClientSettings(input.clientSettings);
      const invitee = await this.users.findByUsername(input.username);
      if (!invitee) throw refuse.unknownUser(input.username);
      if (invitee.id === viewerId) throw refuse.selfInvite();
      if (await eitherBlocked(this.prisma, viewerId, invitee.id)) throw refuse.blocked();
      const now = new Date();
      const { created, declined } = await this.prisma.$transaction(async (tx) => {
        await lockGameActivity(tx, [viewerId, invitee.id]);
        if (await isEngaged(tx, viewerId)) throw refuse.engaged();
        const declined = await transition(
          tx,
          { inviterId: invitee.id, inviteeId: viewerId, ...pendingAt(now) },
          "DECLINED",
          now,
        );
        const row = await tx.duelInvitation.create({
          data: {
            inviterId: viewerId,
            inviteeId: invitee.id,
            settings,
            clientId,
            createdAt: now,
            expiresAt: new Date(now.getTime() + this.options.ttlMs),
          },
          include: invitationInclude,
        });
        const data = {
          ...inviteNotificationData(row.inviter, row.invitee, row.id, clientId, settings, "PENDING"),
          ...(clientSettings === null ? {} : { clientSettings }),
        };
        const notes = await tx.notification.createManyAndReturn({
          data: [invitee.id, viewerId].map((receiverId) => ({
            receiverId,
            actorId: viewerId,
            kind: "GAME_INVITE" as const,
            invitationId: row.id,
            data,
            createdAt: now,
          })),
        });
        return { created: { invitation: toInvitationPayload(row, now), notes }, declined };
      }, TX_OPTIONS);
      await this.announce(declined);
      const { invitation, notes } = created;
      await this.publish([invitee.id], { kind: "INVITATION_RECEIVED", at: invitation.createdAt, invitation });
      // The inviter's own copy is stored (it counts as unread for them, as in legacy) but not pushed.
      await this.notifications.publishCreated(notes.filter((note) => note.receiverId === invitee.id));
      return { ...invitation, declined: declined.invitations };
    });
  }

  /** Accept (exactly one of any number of concurrent accepts wins) or decline the invitations from `username`. */
  replyToInvitation(viewerId: string, input: ReplyInput): Promise<InvitationPayload> {
    return this.refusable(viewerId, input.accept ? "ACCEPT" : "DECLINE", input, () =>
      input.accept ? this.accept(viewerId, input.username) : this.decline(viewerId, input.username),
    );
  }

  /** The inviter withdraws their pending invitation to `username`; both are told. */
  cancelInvitation(viewerId: string, username: string): Promise<InvitationPayload> {
    return this.refusable(viewerId, "CANCEL", { username }, async () => {
      const invitee = await this.users.findByUsername(username);
      if (!invitee) throw refuse.noPending();
      const now = new Date();
      const cancelled = await this.prisma.$transaction(
        (tx) => transition(tx, { inviterId: viewerId, inviteeId: invitee.id, ...pendingAt(now) }, "CANCELLED", now),
        TX_OPTIONS,
      );
      const [first] = cancelled.invitations;
      if (!first) throw refuse.noPending();
      await this.announce(cancelled);
      return first;
    });
  }

  /**
   * Marks every invitation pending past its expiry EXPIRED and tells both sides. Until then, such an
   * invitation already counts as not pending everywhere. Run it periodically (a scheduler's job).
   */
  async expireInvitations(): Promise<InvitationPayload[]> {
    const now = new Date();
    const expired = await this.prisma.$transaction((tx) => transition(tx, lapsedAt(now), "EXPIRED", now), TX_OPTIONS);
    await this.announce(expired);
    return expired.invitations;
  }

  /** My pending (unexpired) outgoing invitation, if any. */
  async outgoingInvitation(userId: string): Promise<InvitationPayload | null> {
    const now = new Date();
    const row = await this.prisma.duelInvitation.findFirst({
      where: { inviterId: userId, ...pendingAt(now) },
      orderBy: { createdAt: "desc" },
      include: invitationInclude,
    });
    return row ? toInvitationPayload(row, now) : null;
  }

  /** Pending (unexpired) invitations to me, newest first. */
  async incomingInvitations(userId: string): Promise<InvitationPayload[]> {
    const now = new Date();
    const rows = await this.prisma.duelInvitation.findMany({
      where: { inviteeId: userId, ...pendingAt(now) },
      orderBy: { createdAt: "desc" },
      take: 50,
      include: invitationInclude,
    });
    return rows.map((row) => toInvitationPayload(row, now));
  }

  private async accept(viewerId: string, username: string): Promise<InvitationPayload> {
    const inviter = await this.users.findByUsername(username);
    if (inviter?.id === viewerId) throw refuse.selfAccept();
    const now = new Date();
    const { accepted, cancelled } = await this.prisma.$transaction(async (tx) => {
      await lockGameActivity(tx, inviter ? [viewerId, inviter.id] : [viewerId]);
      if (await isEngaged(tx, viewerId)) throw refuse.engaged();
      const pending =
        inviter &&
        (await tx.duelInvitation.findFirst({
          where: { inviterId: inviter.id, inviteeId: viewerId, ...pendingAt(now) },
          orderBy: { createdAt: "desc" },
        }));
      if (!inviter || !pending) throw refuse.notFound();
      if (await eitherBlocked(tx, viewerId, inviter.id)) throw refuse.blocked();
      const game = await tx.game.create({
        data: {
          status: "ONGOING",
          playerAId: inviter.id,
          playerBId: viewerId,
          settings: pending.settings as Prisma.InputJsonValue,
          createdAt: now,
        },
      });
      // The conditional update is the decision: if another transaction got there first, nothing matches and
      // throwing rolls the game back.
      const accepted = await transition(tx, { id: pending.id, ...pendingAt(now) }, "ACCEPTED", now, game.id);
      if (accepted.invitations.length === 0) throw refuse.notFound();
      // Under the engaged rule the acceptor has no pending invitation of their own; if one slipped through,
      // it must not survive the start of a game.
      const cancelled = await transition(tx, { inviterId: viewerId, ...pendingAt(now) }, "CANCELLED", now);
      return { accepted, cancelled };
    }, TX_OPTIONS);
    await this.announce(accepted);
    await this.announce(cancelled);
    return accepted.invitations[0] as InvitationPayload;
  }

  private async decline(viewerId: string, username: string): Promise<InvitationPayload> {
    const inviter = await this.users.findByUsername(username);
    if (!inviter) throw refuse.unknownUser(username);
    const now = new Date();
    const declined = await this.prisma.$transaction(
      (tx) => transition(tx, { inviterId: inviter.id, inviteeId: viewerId, ...pendingAt(now) }, "DECLINED", now),
      TX_OPTIONS,
    );
    const [newest] = declined.invitations;
    if (!newest) throw refuse.noPending();
    await this.announce(declined);
    return newest;
  }

  /** After commit: both sides of each invitation are told, and the synced notifications pushed. */
  private async announce({ invitations, notes, status }: Transitioned): Promise<void> {
    const at = new Date().toISOString();
    for (const invitation of invitations) {
      await this.publish([invitation.inviter.id, invitation.invitee.id], announcement(invitation, status, at));
    }
    await this.notifications.publishUpdated(notes);
  }

  /** Runs a mutation; a refusal also reaches all the caller's sockets, echoing the clientId that was given. */
  private async refusable<T>(
    viewerId: string,
    action: InvitationAction,
    input: { username: string; clientId?: string | null },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvitationRefusal) {
        const clientId = input.clientId != null && validClientId(input.clientId) ? input.clientId : null;
        await this.publish([viewerId], {
          kind: "INVITATION_REJECTED",
          at: new Date().toISOString(),
          action,
          reason: error.reason,
          message: error.message,
          username: input.username.slice(0, MAX_USERNAME_LENGTH),
          clientId,
        });
      }
      throw error;
    }
  }

  private publish(userIds: string[], event: InvitationEvent): Promise<void> {
    return publishInvitationEvent(this.bus, userIds, event);
  }
}

/** The GAME_INVITE notification data (§6.1), the same for the invitee's and the inviter's copy. */
function inviteNotificationData(
  inviter: PublicUser,
  invitee: PublicUser,
  invitationId: string,
  clientId: string | null,
  settings: GameSettings,
  status: "PENDING",
) {
  return { ...actorData(inviter), gameId: invitationId, clientId, settings, status, invitee: actorData(invitee) };
}
