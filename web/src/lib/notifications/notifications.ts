import type { NotificationFieldsFragment } from "../graphql/generated/graphql.ts";

type Note = NotificationFieldsFragment;

/** The bell's accessible name: "Notifications" or "Notifications, 3 unread". */
export const bellLabel = (unread: number) => (unread > 0 ? `Notifications, ${unread} unread` : "Notifications");

/** A field of a notification's `data` (JSON as stored), if it is a string. */
export function dataText(note: Pick<Note, "data">, field: string): string | undefined {
  const data = note.data;
  if (!data || typeof data !== "object") return undefined;
  const value: unknown = Reflect.get(data, field);
  return typeof value === "string" ? value : undefined;
}

/** GAME_INVITE: the invitee as stored in `data.invitee` (the inviter's own copy names them). */
export function inviteeOf(note: Pick<Note, "data">): { username: string; nickname: string } | undefined {
  const data = note.data;
  const invitee: unknown = data && typeof data === "object" ? Reflect.get(data, "invitee") : undefined;
  if (!invitee || typeof invitee !== "object") return undefined;
  const username: unknown = Reflect.get(invitee, "username");
  const nickname: unknown = Reflect.get(invitee, "nickname");
  if (typeof username !== "string") return undefined;
  return { username, nickname: typeof nickname === "string" ? nickname : username };
}

/**
 * The API lists a GAME_INVITE while its invitation is pending and a NEW_TOURNAMENT while its tournament is
 * open (`data.status` follows them); everything else always.
 */
export function isActionable(note: Pick<Note, "kind" | "data">): boolean {
  const status = dataText(note, "status");
  if (note.kind === "GAME_INVITE") return status === undefined || status === "PENDING";
  if (note.kind === "NEW_TOURNAMENT") return status === undefined || status === "OPEN";
  return true;
}

/** Who caused a notification, by name: their nickname (as stored with it), else their username. */
export function actorName(note: Pick<Note, "actor" | "data">): string {
  return (
    note.actor?.nickname ??
    dataText(note, "nickname") ??
    note.actor?.username ??
    dataText(note, "username") ??
    "Someone"
  );
}

export function actorUsername(note: Pick<Note, "actor" | "data">): string | undefined {
  return note.actor?.username ?? dataText(note, "username");
}

/** One sentence for a notification, as the list and the toasts say it. `me` is the viewer's username. */
export function describeNotification(note: Note, me?: string): string {
  const who = actorName(note);
  switch (note.kind) {
    case "NEW_FRIEND":
      return `${who} added you as a friend`;
    case "NEW_TOURNAMENT": {
      const name = dataText(note, "tournamentName");
      return name ? `${who} created the tournament “${name}”` : `${who} created a tournament`;
    }
    case "GAME_INVITE": {
      const invitee = inviteeOf(note);
      if (me && actorUsername(note) === me && invitee) return `You invited ${invitee.nickname} to a duel`;
      return `${who} invited you to a duel`;
    }
  }
}

/** GAME_INVITE sent to me (not my own copy of one I sent): it can be accepted or declined here. */
export function isInvitationToMe(note: Note, me: string | undefined): boolean {
  return note.kind === "GAME_INVITE" && isActionable(note) && actorUsername(note) !== me;
}
