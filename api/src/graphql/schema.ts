import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.ts";
import "../domains/users/users.schema.ts";
import "../domains/users/auth.schema.ts";
import "../domains/chat/chat.schema.ts";
import "../domains/chat/chat-events.schema.ts";
import "../domains/chat/reactions/reactions.schema.ts";
import "../domains/chat/edits/edits.schema.ts";
import "../domains/chat/receipts/receipts.schema.ts";
import "../domains/groups/groups.schema.ts";
import "../domains/notifications/notifications.schema.ts";
import "../domains/tournaments/tournaments.schema.ts";
import "../domains/games/games.schema.ts";
import "../domains/invitations/invitations.schema.ts";
import "../domains/presence/presence.schema.ts";
import "../domains/media/media.schema.ts";

/** The whole API, sorted so the printed schema.graphql diffs cleanly. */
export const schema = lexicographicSortSchema(builder.toSchema());
