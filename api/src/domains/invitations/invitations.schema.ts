import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { eventUnion } from "../../graphql/event-streams.ts";
import { GameSettingsInput, GameSettingsRef } from "../games/game-settings.schema.ts";
import { GameEndedEvent, GameRef } from "../games/games.schema.ts";
import { MeRef, UserRef } from "../users/users.schema.ts";
import { USERNAME_MAX } from "../users/users.validation.ts";
import {
  type InvitationEvent,
  type InvitationPayload,
  type InvitationStreamEvent,
  invitationEventsOf,
} from "./invitations.events.ts";
import { MAX_CLIENT_ID_LENGTH, MAX_CLIENT_SETTINGS_LENGTH } from "./refusals.ts";

export const InvitationStatusEnum = builder.enumType("InvitationStatus", {
  values: ["PENDING", "ACCEPTED", "DECLINED", "CANCELLED", "EXPIRED"] as const,
});

const InvitationActionEnum = builder.enumType("InvitationAction", {
  description: "The invitation mutation a rejection answers.",
  values: ["INVITE", "ACCEPT", "DECLINE", "CANCEL"] as const,
});

const RejectionReasonEnum = builder.enumType("InvitationRejectionReason", {
  values: {
    SELF_INVITE: { description: "You can't invite yourself to a game !" },
    SELF_ACCEPT: { description: "You can't accept invitations from yourself to a game !" },
    ENGAGED: { description: "You are in an ongoing game. (a pending invitation of yours counts)" },
    INVITATION_NOT_FOUND: { description: "Invitation not found. (accept)" },
    NO_PENDING_INVITATIONS: { description: "No pending invitations found. (decline, cancel)" },
    USER_NOT_FOUND: { description: "The invitee does not exist." },
    BLOCKED: { description: "One of you has blocked the other." },
    INVALID_INPUT: { description: "Invalid settings or clientId." },
  } as const,
});

/** Invitations resolve from their payload: the same shape for mutation results and live events. */
export const DuelInvitationRef = builder.objectRef<InvitationPayload>("DuelInvitation");

DuelInvitationRef.implement({
  description: "An invitation to a one-to-one game.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.field({
      type: InvitationStatusEnum,
      description: "A PENDING invitation past expiresAt reads EXPIRED.",
      resolve: (invitation) => invitation.status,
    }),
    inviter: t.field({ type: UserRef, resolve: (invitation) => invitation.inviter }),
    invitee: t.field({ type: UserRef, resolve: (invitation) => invitation.invitee }),
    settings: t.field({ type: GameSettingsRef, resolve: (invitation) => invitation.settings }),
    clientId: t.exposeString("clientId", {
      nullable: true,
      description: "The inviting tab's own id, as given to inviteToDuel.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      nullable: true,
      description: "When a pending invitation lapses (null: never).",
    }),
    game: t.field({
      type: GameRef,
      nullable: true,
      description: "The game its acceptance started.",
      resolve: (invitation) => invitation.game,
    }),
    declinedInvitations: t.field({
      type: [DuelInvitationRef],
      description:
        "On inviteToDuel's result: the invitee's pending invitations to me that this one declined (inviting " +
        "someone who invited you declines theirs), so the tab that invited can tell. Empty everywhere else.",
      resolve: (invitation) => invitation.declined ?? [],
    }),
  }),
});

type EventOf<K extends InvitationEvent["kind"]> = Extract<InvitationEvent, { kind: K }>;

const InvitationReceivedEvent = builder.objectRef<EventOf<"INVITATION_RECEIVED">>("InvitationReceivedEvent").implement({
  description: "Someone invited me (sent to the invitee).",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    invitation: t.field({ type: DuelInvitationRef, resolve: (event) => event.invitation }),
  }),
});

const InvitationAcceptedEvent = builder.objectRef<EventOf<"INVITATION_ACCEPTED">>("InvitationAcceptedEvent").implement({
  description: "An invitation between me and `opponent` was accepted: the game has started (sent to both).",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    gameId: t.id({ resolve: (event) => event.game.id }),
    game: t.field({ type: GameRef, resolve: (event) => event.game }),
    invitation: t.field({ type: DuelInvitationRef, resolve: (event) => event.invitation }),
    opponent: t.field({
      type: UserRef,
      description: "The other player, seen from the receiver: the acceptor for the inviter, and vice versa.",
      resolve: (event, _args, ctx) =>
        ctx.viewer?.id === event.invitation.inviter.id ? event.invitation.invitee : event.invitation.inviter,
    }),
  }),
});

const InvitationDeclinedEvent = builder.objectRef<EventOf<"INVITATION_DECLINED">>("InvitationDeclinedEvent").implement({
  description: "The invitee declined (or invited the inviter back), sent to both.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    invitation: t.field({ type: DuelInvitationRef, resolve: (event) => event.invitation }),
    decliner: t.field({ type: UserRef, resolve: (event) => event.by }),
  }),
});

const InvitationCancelledEvent = builder
  .objectRef<EventOf<"INVITATION_CANCELLED">>("InvitationCancelledEvent")
  .implement({
    description: "The inviter withdrew the invitation, sent to both.",
    fields: (t) => ({
      at: t.expose("at", { type: "DateTime" }),
      invitation: t.field({ type: DuelInvitationRef, resolve: (event) => event.invitation }),
      inviter: t.field({ type: UserRef, resolve: (event) => event.by }),
    }),
  });

const InvitationExpiredEvent = builder.objectRef<EventOf<"INVITATION_EXPIRED">>("InvitationExpiredEvent").implement({
  description: "A pending invitation lapsed, sent to both.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    invitation: t.field({ type: DuelInvitationRef, resolve: (event) => event.invitation }),
  }),
});

const InvitationRejectedEvent = builder.objectRef<EventOf<"INVITATION_REJECTED">>("InvitationRejectedEvent").implement({
  description:
    "One of my invitation mutations was refused (it also returned the error). Sent to all my sockets; " +
    "`clientId` tells the tab that asked.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    action: t.field({ type: InvitationActionEnum, resolve: (event) => event.action }),
    reason: t.field({ type: RejectionReasonEnum, resolve: (event) => event.reason }),
    message: t.exposeString("message"),
    username: t.exposeString("username", { description: "The username the mutation named." }),
    clientId: t.exposeString("clientId", { nullable: true }),
  }),
});

const InvitationEventRef = eventUnion<InvitationStreamEvent>("InvitationEvent", {
  INVITATION_RECEIVED: InvitationReceivedEvent,
  INVITATION_ACCEPTED: InvitationAcceptedEvent,
  INVITATION_DECLINED: InvitationDeclinedEvent,
  INVITATION_CANCELLED: InvitationCancelledEvent,
  INVITATION_EXPIRED: InvitationExpiredEvent,
  INVITATION_REJECTED: InvitationRejectedEvent,
  GAME_ENDED: GameEndedEvent,
});

builder.subscriptionFields((t) => ({
  invitationEvents: t.field({
    type: InvitationEventRef,
    description: "Live duel invitations and games of mine, on every socket of mine.",
    subscribe: (_root, _args, ctx) => invitationEventsOf(ctx.bus, requireViewer(ctx).id),
    resolve: (event) => event,
  }),
}));

builder.mutationFields((t) => ({
  inviteToDuel: t.field({
    type: DuelInvitationRef,
    description:
      "Invite a user to a duel (omitted settings take the defaults). You may have one pending invitation at a " +
      "time; inviting someone who invited you declines theirs. The invitee gets an InvitationReceivedEvent.",
    args: {
      username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }),
      settings: t.arg({ type: GameSettingsInput, required: false }),
      clientId: t.arg.string({
        required: false,
        maxLength: roomFor(MAX_CLIENT_ID_LENGTH),
        description: "Your tab's own id, echoed in events.",
      }),
      clientSettings: t.arg.string({
        required: false,
        maxLength: roomFor(MAX_CLIENT_SETTINGS_LENGTH),
        description:
          "The settings as your client spells them (opaque text), passed on verbatim in the invitee's " +
          "GAME_INVITE notification data (`clientSettings`); `settings` is what the game uses.",
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.invitations.inviteToDuel(requireViewer(ctx).id, {
        username: args.username,
        settings: args.settings,
        clientId: args.clientId,
        clientSettings: args.clientSettings,
      }),
  }),
  replyToInvitation: t.field({
    type: DuelInvitationRef,
    description:
      "Accept (starts the game; returns the invitation with it) or decline the pending invitation from `username`.",
    args: {
      username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX), description: "The inviter." }),
      accept: t.arg.boolean({ required: true }),
      clientId: t.arg.string({ required: false, maxLength: roomFor(MAX_CLIENT_ID_LENGTH) }),
    },
    resolve: (_root, args, ctx) => ctx.services.invitations.replyToInvitation(requireViewer(ctx).id, args),
  }),
  cancelInvitation: t.field({
    type: DuelInvitationRef,
    description: "Withdraw my pending invitation to `username`.",
    args: { username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX), description: "The invitee." }) },
    resolve: (_root, args, ctx) => ctx.services.invitations.cancelInvitation(requireViewer(ctx).id, args.username),
  }),
}));

builder.objectField(MeRef, "outgoingInvitation", (t) =>
  t.field({
    type: DuelInvitationRef,
    nullable: true,
    description: "My pending invitation, if any.",
    resolve: (user, _args, ctx) => ctx.services.invitations.outgoingInvitation(user.id),
  }),
);

builder.objectField(MeRef, "incomingInvitations", (t) =>
  t.field({
    type: [DuelInvitationRef],
    description: "Pending invitations to me, newest first (at most 50).",
    resolve: (user, _args, ctx) => ctx.services.invitations.incomingInvitations(user.id),
  }),
);
