import { z } from "zod";
import { legacyChatUuid, legacyUuid } from "./uuid.ts";

/**
 * `data` of each client → server action, as the legacy validator checks it (protocol §2.3): required keys
 * (present, any value: `z.unknown()`), exact JSON types (`null` fails; `z.boolean()` refuses "true" and 1) and
 * UUIDs (canonicalised). Extra keys are ignored (dropped). Any failure closes the socket with 3100.
 */
export const legacyData = {
  new_message: z.object({ content: z.string(), chat_id: legacyChatUuid, timestamp: z.string() }),
  like_message: z.object({ id: legacyUuid, chat_id: legacyChatUuid }),
  unlike_message: z.object({ id: legacyUuid, chat_id: legacyChatUuid }),
  /** `chat_id` is sent by the frontend and ignored (§3.3) */
  read_message: z.object({ id: legacyUuid }),
  read_notification: z.object({ id: legacyUuid }),
  /** `settings` has its own rules (§3.6): the duel table checks them */
  game_invite: z.object({ client_id: z.string(), username: z.string(), settings: z.unknown().optional() }),
  reply_game_invite: z.object({ username: z.string(), accept: z.boolean() }),
  /** `username` is required but its type is not checked (§2.3) */
  game_accepted: z.object({ username: z.unknown(), accept: z.boolean() }),
  game_declined: z.object({ username: z.unknown(), accept: z.boolean() }),
  cancel_game_invite: z.object({ username: z.string() }),
  /** integer profile ids, no type check (§3.5); `id`, when present, must be a UUID */
  add_new_friend: z.object({ sender_id: z.unknown(), receiver_id: z.unknown(), id: legacyUuid.optional() }),
} as const;

export type LegacyActionName = keyof typeof legacyData;
export type LegacyData<A extends LegacyActionName> = z.output<(typeof legacyData)[A]>;
