import { type ErrorCode, ParleyError } from "../../graphql/errors.ts";
import { storableText, textProblem } from "../../infra/validation.ts";
import { type GameSettings, parseGameSettings } from "../games/game-settings.ts";
import type { RejectionReason } from "./invitations.events.ts";

export const MAX_CLIENT_ID_LENGTH = 128;
export const MAX_CLIENT_SETTINGS_LENGTH = 2000;
/** A refusal echoes the username it was given, cut to the longest a username can be. */
export const MAX_USERNAME_LENGTH = 50;

/** The legacy `game_invite_canceled` messages (protocol §3.6–3.8), word for word. */
export const REJECTION_MESSAGES = {
  SELF_INVITE: "You can't invite yourself to a game !",
  SELF_ACCEPT: "You can't accept invitations from yourself to a game !",
  ENGAGED: "You are in an ongoing game.",
  INVITATION_NOT_FOUND: "Invitation not found.",
  NO_PENDING_INVITATIONS: "No pending invitations found.",
} as const;

/** A refused invitation mutation: the GraphQL error (with `extensions.reason`), also pushed to the caller's inbox. */
export class InvitationRefusal extends ParleyError {
  constructor(
    readonly reason: RejectionReason,
    code: ErrorCode,
    message: string,
    field?: string,
  ) {
    super(code, message, field ? { reason, field } : { reason });
  }
}

/** Every way an invitation mutation is refused. */
export const refuse = {
  selfInvite: () => new InvitationRefusal("SELF_INVITE", "BAD_USER_INPUT", REJECTION_MESSAGES.SELF_INVITE, "username"),
  selfAccept: () => new InvitationRefusal("SELF_ACCEPT", "BAD_USER_INPUT", REJECTION_MESSAGES.SELF_ACCEPT, "username"),
  engaged: () => new InvitationRefusal("ENGAGED", "CONFLICT", REJECTION_MESSAGES.ENGAGED),
  notFound: () => new InvitationRefusal("INVITATION_NOT_FOUND", "NOT_FOUND", REJECTION_MESSAGES.INVITATION_NOT_FOUND),
  noPending: () =>
    new InvitationRefusal("NO_PENDING_INVITATIONS", "NOT_FOUND", REJECTION_MESSAGES.NO_PENDING_INVITATIONS),
  unknownUser: (username: string) =>
    new InvitationRefusal("USER_NOT_FOUND", "NOT_FOUND", `User ${username} not found.`),
  blocked: () => new InvitationRefusal("BLOCKED", "FORBIDDEN", "One of you has blocked the other."),
  invalid: (message: string, field: string) => new InvitationRefusal("INVALID_INPUT", "BAD_USER_INPUT", message, field),
};

/** Settings with the defaults filled in; a bad field is an INVALID_INPUT refusal naming it. */
export function checkSettings(input: Record<string, unknown> | null | undefined): GameSettings {
  try {
    return parseGameSettings(input);
  } catch (error) {
    if (error instanceof ParleyError) throw refuse.invalid(error.message, String(error.extensions.field ?? "settings"));
    throw error;
  }
}

const CLIENT_ID_TEXT = storableText({ min: 0, max: MAX_CLIENT_ID_LENGTH });

export function validClientId(clientId: string): boolean {
  return CLIENT_ID_TEXT.safeParse(clientId).success;
}

export function checkClientId(clientId: string | null | undefined): string | null {
  if (clientId == null) return null;
  const problem = textProblem(CLIENT_ID_TEXT, clientId);
  if (problem) throw refuse.invalid(`clientId ${problem}.`, "clientId");
  return clientId;
}

const CLIENT_SETTINGS_TEXT = storableText({ min: 0, max: MAX_CLIENT_SETTINGS_LENGTH });

export function checkClientSettings(clientSettings: string | null | undefined): string | null {
  if (clientSettings == null) return null;
  const problem = textProblem(CLIENT_SETTINGS_TEXT, clientSettings);
  if (problem) throw refuse.invalid(`clientSettings ${problem}.`, "clientSettings");
  return clientSettings;
}
