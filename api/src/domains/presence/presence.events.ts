import type { PublicUser } from "../users/users.service.ts";

export type PresenceStatus = "ONLINE" | "OFFLINE";

/** The user as carried in a presence event: the public profile plus the presence it changed to. */
export interface PresenceUser extends PublicUser {
  isOnline: boolean;
  /** ISO string: the activity that made them online, or their last one before going offline */
  lastActivity: string;
}

/**
 * A user went online or offline. Broadcast on the one shared `presence` topic (not per-user inboxes): every
 * connected user receives it, with the profile inline so delivery needs no query.
 */
export interface PresenceEvent {
  kind: "PRESENCE_CHANGED";
  at: string;
  user: PresenceUser;
  status: PresenceStatus;
}
