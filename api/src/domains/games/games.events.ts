import type { Game, GameStatus } from "@parley/db";
import type { EventBus } from "../../realtime/event-bus.ts";
import { type KindSet, publishToInboxes } from "../../realtime/inbox.ts";
import type { PublicUser } from "../users/users.service.ts";
import { publicUserSelect } from "../users/users.service.ts";
import { type GameSettings, parseGameSettings } from "./game-settings.ts";

/** A game as carried in events and returned by mutations: everything a receiver renders, no query needed. */
export interface GamePayload {
  id: string;
  status: GameStatus;
  /** [playerA, playerB]; in a duel, playerA is the inviter */
  players: [PublicUser, PublicUser];
  settings: GameSettings;
  tournamentId: string | null;
  createdAt: string;
  endedAt: string | null;
}

export type GameEvent =
  /** to both players: the game is over (`endedBy` is null when the server ended it) */
  { kind: "GAME_ENDED"; at: string; game: GamePayload; endedBy: PublicUser | null };

/** Games reach their players on `invitationEvents`, beside the invitations that start them. */
export const GAME_KINDS: KindSet<GameEvent> = { GAME_ENDED: true };

/** To both players' inboxes. Never throws: failures are logged. */
export function publishGameEvent(bus: EventBus, event: GameEvent): Promise<void> {
  return publishToInboxes(
    bus,
    event.game.players.map((player) => player.id),
    event,
  );
}

/** Load a game with this to turn it into a payload. */
export const gameInclude = {
  playerA: { select: publicUserSelect },
  playerB: { select: publicUserSelect },
} as const;

export type GameRow = Game & { playerA: PublicUser; playerB: PublicUser };

/** Settings are validated on the way in; stored ones only get the defaults filled in. */
export function storedSettings(json: unknown): GameSettings {
  return parseGameSettings(json && typeof json === "object" ? (json as Record<string, unknown>) : {});
}

export function toGamePayload(row: GameRow): GamePayload {
  return {
    id: row.id,
    status: row.status,
    players: [row.playerA, row.playerB],
    settings: storedSettings(row.settings),
    tournamentId: row.tournamentId,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}
