import { z } from "zod";
import type { NotificationKind } from "../operations/generated/graphql.ts";
import { isoHttp, isoPy } from "./dates.ts";
import type { LegacyFrame } from "./frame.ts";
import { fromApiSettings, type LegacySettings } from "./game-settings.ts";

/** A notification as the bridge's documents select it. */
export interface ApiNotification {
  id: string;
  kind: NotificationKind;
  createdAt: string;
  data: unknown;
}

/** The `data` the API stores (its `Notification.data` description): the actor first, then what the kind needs. */
const person = z.object({ username: z.string(), nickname: z.string(), avatar: z.string() });
const apiSettings = z.object({
  speed: z.string().catch("MEDIUM"),
  scoreToWin: z.number().catch(5),
  timeLimitMinutes: z.number().catch(3),
  ranked: z.boolean().catch(false),
  coolMode: z.boolean().catch(false),
});
const DEFAULT_API_SETTINGS = apiSettings.parse({});
const inviteData = person.extend({
  gameId: z.string(),
  clientId: z.string().nullable().catch(null),
  settings: apiSettings.catch(DEFAULT_API_SETTINGS),
  clientSettings: z.string().optional().catch(undefined),
  invitee: person,
});
const tournamentData = person.extend({ tournamentId: z.string(), tournamentName: z.string(), alias: z.string() });

const actorOf = ({ username, nickname, avatar }: z.infer<typeof person>) => ({ username, nickname, avatar });

/** The settings the inviter's client sent, verbatim when it was a legacy client; else the game's, legacy-shaped. */
function sentSettings(data: z.infer<typeof inviteData>): unknown {
  if (data.clientSettings !== undefined) {
    try {
      return JSON.parse(data.clientSettings);
    } catch {
      // not a legacy client's text: fall through to the settings the game uses
    }
  }
  return fromApiSettings(data.settings);
}

/**
 * The frame a freshly created notification becomes on its receiver's sockets (protocol §4.5, §4.9, §4.10),
 * keys in the reference's order; null when its data is not what the API stores.
 */
export function createdNotificationFrame(note: ApiNotification): LegacyFrame | null {
  const date = isoPy(note.createdAt);
  switch (note.kind) {
    case "GAME_INVITE": {
      const data = inviteData.safeParse(note.data);
      if (!data.success) return null;
      const { gameId, clientId, invitee } = data.data;
      return {
        action: "game_invite",
        data: {
          ...actorOf(data.data),
          game_id: gameId,
          client_id: clientId,
          settings: sentSettings(data.data),
          status: "pending",
          invitee: actorOf(invitee),
          date,
          id: note.id,
        },
      };
    }
    case "NEW_FRIEND": {
      const data = person.safeParse(note.data);
      return data.success ? { action: "new_friend", data: { ...actorOf(data.data), date } } : null;
    }
    case "NEW_TOURNAMENT": {
      const data = tournamentData.safeParse(note.data);
      if (!data.success) return null;
      return {
        action: "new_tournament",
        data: {
          ...actorOf(data.data),
          tournament_id: data.data.tournamentId,
          tournament_name: data.data.tournamentName,
          alias: data.data.alias,
          // Parley keeps no separate tournament invitation: each receiver's notification is theirs
          invitation_id: note.id,
          status: "open",
          date,
        },
      };
    }
  }
}

/** `GET /api/notifications` item `data` (§8.3): one of three legacy schemas, so only their keys come out. */
export function listedNotificationData(note: ApiNotification): Record<string, unknown> {
  const actor = person.safeParse(note.data);
  const base = { ...(actor.success ? actorOf(actor.data) : {}), date: isoHttp(note.createdAt) };
  if (note.kind === "GAME_INVITE") {
    const data = inviteData.safeParse(note.data);
    if (!data.success) return base;
    const settings: LegacySettings = fromApiSettings(data.data.settings);
    return { ...base, game_id: data.data.gameId, settings, invitee: actorOf(data.data.invitee) };
  }
  if (note.kind === "NEW_TOURNAMENT") {
    const data = tournamentData.safeParse(note.data);
    if (!data.success) return base;
    const { tournamentId, tournamentName, alias } = data.data;
    return { ...base, tournament_id: tournamentId, tournament_name: tournamentName, alias };
  }
  return base;
}

/** The legacy `action` of a notification. */
export const LEGACY_ACTION: Record<NotificationKind, string> = {
  GAME_INVITE: "game_invite",
  NEW_FRIEND: "new_friend",
  NEW_TOURNAMENT: "new_tournament",
};

/** One `GET /api/notifications` item. */
export function listedNotification(note: ApiNotification & { isRead: boolean }) {
  return { id: note.id, action: LEGACY_ACTION[note.kind], data: listedNotificationData(note), is_read: note.isRead };
}
