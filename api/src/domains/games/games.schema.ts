import { builder } from "../../graphql/builder.ts";
import { requireViewer } from "../../graphql/context.ts";
import { MeRef, UserRef } from "../users/users.schema.ts";
import { isEngaged } from "./engagement.ts";
import { GameSettingsRef } from "./game-settings.schema.ts";
import type { GameEvent, GamePayload } from "./games.events.ts";

export const GameStatusEnum = builder.enumType("GameStatus", {
  values: ["PENDING", "ONGOING", "FINISHED", "CANCELLED"] as const,
});

/** Games resolve from their payload: the same shape for query results and live events, no query per field. */
export const GameRef = builder.objectRef<GamePayload>("Game").implement({
  description: "A game between two players.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.field({ type: GameStatusEnum, resolve: (game) => game.status }),
    players: t.field({
      type: [UserRef],
      description: "Both players; in a duel the inviter comes first.",
      resolve: (game) => game.players,
    }),
    opponent: t.field({
      type: UserRef,
      nullable: true,
      description: "The other player, seen from the viewer; null when the viewer is not a player.",
      resolve: (game, _args, ctx) => {
        const [a, b] = game.players;
        const viewerId = ctx.viewer?.id;
        return viewerId === a.id ? b : viewerId === b.id ? a : null;
      },
    }),
    settings: t.field({ type: GameSettingsRef, resolve: (game) => game.settings }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
  }),
});

export const GameEndedEvent = builder
  .objectRef<Extract<GameEvent, { kind: "GAME_ENDED" }>>("GameEndedEvent")
  .implement({
    description: "A game I play in is over.",
    fields: (t) => ({
      at: t.expose("at", { type: "DateTime" }),
      game: t.field({ type: GameRef, resolve: (event) => event.game }),
      endedBy: t.field({
        type: UserRef,
        nullable: true,
        description: "The player who ended it; null when the server did.",
        resolve: (event) => event.endedBy,
      }),
    }),
  });

builder.objectField(MeRef, "currentGame", (t) =>
  t.field({
    type: GameRef,
    nullable: true,
    description: "My ongoing game outside tournaments, or null.",
    resolve: (user, _args, ctx) => ctx.services.games.currentGame(user.id),
  }),
);

builder.objectField(MeRef, "isEngaged", (t) =>
  t.boolean({
    description:
      "I am engaged in game activity (a pending invitation of mine, a live game, or an active tournament place), " +
      "so I can neither invite nor accept.",
    resolve: (user, _args, ctx) => isEngaged(ctx.prisma, user.id),
  }),
);

builder.objectField(UserRef, "inGame", (t) =>
  t.boolean({
    description:
      "Plays a live game (pending or ongoing, a duel or a tournament's); in presence events, as of the event.",
    resolve: (user, _args, ctx) => user.presence?.inGame ?? ctx.services.games.inGame(user.id),
  }),
);

builder.queryFields((t) => ({
  game: t.field({
    type: GameRef,
    description: "A game I play in.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.games.requireGame(requireViewer(ctx).id, args.id),
  }),
}));

builder.mutationFields((t) => ({
  endGame: t.field({
    type: GameRef,
    description: "End a live game I play in: it becomes FINISHED and both players get a GameEndedEvent.",
    args: { gameId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.games.endGame(requireViewer(ctx).id, args.gameId),
  }),
}));
