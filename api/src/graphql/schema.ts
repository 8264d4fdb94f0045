import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.ts";
import "../domains/users/users.schema.ts";
import "../domains/users/auth.schema.ts";
import "../domains/chat/chat.schema.ts";

/** The whole API, sorted so the printed schema.graphql diffs cleanly. */
export const schema = lexicographicSortSchema(builder.toSchema());
