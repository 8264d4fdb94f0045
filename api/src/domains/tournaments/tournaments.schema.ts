import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { GameSettingsInput, GameSettingsRef } from "../games/game-settings.schema.ts";
import { parseGameSettings } from "../games/game-settings.ts";
import { MeRef, UserRef, userViewSelect } from "../users/users.schema.ts";
import { MAX_ALIAS, MAX_TOURNAMENT_NAME } from "./tournaments.service.ts";

export const TournamentStatusEnum = builder.enumType("TournamentStatus", {
  values: ["OPEN", "ONGOING", "FINISHED", "CANCELLED"] as const,
});

export const TournamentRef = builder.prismaObject("Tournament", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    requiredParticipants: t.exposeInt("requiredParticipants", { description: "4 or 8." }),
    status: t.field({ type: TournamentStatusEnum, resolve: (tournament) => tournament.status }),
    settings: t.field({
      type: GameSettingsRef,
      // stored validated; parsing again only fills defaults a later version may add
      resolve: (tournament) => parseGameSettings(tournament.settings as Record<string, unknown>),
    }),
    creator: t.field({
      type: UserRef,
      select: { creator: { select: userViewSelect } },
      resolve: (tournament) => tournament.creator,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.mutationFields((t) => ({
  createTournament: t.prismaField({
    type: TournamentRef,
    description:
      "Create a tournament and join it under `alias`. Every other user gets a NEW_TOURNAMENT notification, " +
      "pushed live. FORBIDDEN while I am in a game, a tournament or a pending invitation.",
    args: {
      name: t.arg.string({
        required: true,
        maxLength: roomFor(MAX_TOURNAMENT_NAME),
        description: `1 to ${MAX_TOURNAMENT_NAME} characters (trimmed).`,
      }),
      requiredParticipants: t.arg.int({ required: true, description: "4 or 8." }),
      alias: t.arg.string({
        required: true,
        maxLength: roomFor(MAX_ALIAS),
        description: `My name in the tournament, 1 to ${MAX_ALIAS} characters.`,
      }),
      settings: t.arg({ type: GameSettingsInput, required: false }),
    },
    resolve: (query, _root, args, ctx) => ctx.services.tournaments.create(requireViewer(ctx).id, args, query),
  }),
  cancelTournament: t.prismaField({
    type: TournamentRef,
    description: "Creator only, while OPEN: CANCELLED; its notifications are read and no longer listed.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.tournaments.cancel(requireViewer(ctx).id, args.id, query),
  }),
  closeTournament: t.prismaField({
    type: TournamentRef,
    description: "Creator only, while OPEN: registration ends, ONGOING; its notifications are retracted.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.tournaments.close(requireViewer(ctx).id, args.id, query),
  }),
}));

builder.objectField(MeRef, "currentTournament", (t) =>
  t.prismaField({
    type: TournamentRef,
    nullable: true,
    description: "The open or ongoing tournament I hold an active place in, or null.",
    resolve: (query, user, _args, ctx) =>
      ctx.prisma.tournament.findFirst({
        ...query,
        where: { status: { in: ["OPEN", "ONGOING"] }, participants: { some: { userId: user.id, status: "ACTIVE" } } },
      }),
  }),
);
