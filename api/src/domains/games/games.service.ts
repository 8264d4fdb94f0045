import type { PrismaClient } from "@parley/db";
import DataLoader from "dataloader";
import { conflict, forbidden, notFound } from "../../graphql/errors.ts";
import { processWide } from "../../graphql/loaders.ts";
import { isUuid } from "../../infra/validation.ts";
import type { EventBus } from "../../realtime/event-bus.ts";
import type { PublicUser } from "../users/users.service.ts";
import { type GamePayload, gameInclude, publishGameEvent, toGamePayload } from "./games.events.ts";
import { LIVE_GAME, playingAmong } from "./playing.ts";

/** Games (duels for now): who may see and end one, and telling both players. */
export class GamesService {
  /** Shared by every operation: a presence event or a list of users costs one lookup, however many ask. */
  private readonly playing: DataLoader<string, boolean>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
  ) {
    this.playing = new DataLoader(async (ids) => {
      const playing = await playingAmong(prisma, ids);
      return ids.map((id) => playing.has(id));
    }, processWide());
  }

  /** The user is a player of a live game (a duel or a tournament's), batched with every lookup of this turn. */
  inGame(userId: string): Promise<boolean> {
    return this.playing.load(userId);
  }

  /** My ongoing game outside tournaments (the legacy `game_id`), or null. */
  async currentGame(userId: string): Promise<GamePayload | null> {
    const row = await this.prisma.game.findFirst({
      where: { OR: [{ playerAId: userId }, { playerBId: userId }], status: "ONGOING", tournamentId: null },
      orderBy: { createdAt: "desc" },
      include: gameInclude,
    });
    return row ? toGamePayload(row) : null;
  }

  /** A game its players may see. */
  async requireGame(viewerId: string, gameId: string): Promise<GamePayload> {
    const row = isUuid(gameId)
      ? await this.prisma.game.findUnique({ where: { id: gameId }, include: gameInclude })
      : null;
    if (!row) throw notFound("Game not found.");
    if (row.playerAId !== viewerId && row.playerBId !== viewerId) throw forbidden("You are not a player of this game.");
    return toGamePayload(row);
  }

  /** A player ends their game: FINISHED, and both players are told. */
  async endGame(viewerId: string, gameId: string): Promise<GamePayload> {
    const game = await this.requireGame(viewerId, gameId);
    if (!(LIVE_GAME as readonly string[]).includes(game.status)) throw conflict("The game has already ended.");
    const by = game.players.find((player) => player.id === viewerId) ?? null;
    return this.finishGame(game.id, by);
  }

  /**
   * Ends a live game (for internal callers: the game loop, tournaments, moderation). Atomic: of concurrent
   * calls exactly one ends it; the others get CONFLICT.
   */
  async finishGame(
    gameId: string,
    endedBy: PublicUser | null = null,
    status: "FINISHED" | "CANCELLED" = "FINISHED",
  ): Promise<GamePayload> {
    const [row] = await this.prisma.game.updateManyAndReturn({
      where: { id: gameId, status: { in: [...LIVE_GAME] } },
      data: { status, endedAt: new Date() },
      include: gameInclude,
    });
    if (!row) throw conflict("The game has already ended.");
    const game = toGamePayload(row);
    await publishGameEvent(this.bus, {
      kind: "GAME_ENDED",
      at: game.endedAt ?? new Date().toISOString(),
      game,
      endedBy,
    });
    return game;
  }
}
