import { builder } from "../../../graphql/builder.ts";
import type { ReactionCount, ReactionEvent } from "./reactions.events.ts";

export const ReactionRef = builder.objectRef<ReactionCount>("Reaction").implement({
  description: "One emoji on a message: how many members put it there, and whether I did.",
  fields: (t) => ({
    emoji: t.exposeString("emoji"),
    count: t.exposeInt("count"),
    reactedByMe: t.exposeBoolean("reactedByMe"),
  }),
});

export const ReactionEventRef = builder.objectRef<ReactionEvent>("ReactionEvent").implement({
  description: "A reaction was added or removed; `reactions` is the message's new state, as I see it.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    messageId: t.exposeID("messageId"),
    emoji: t.exposeString("emoji"),
    added: t.exposeBoolean("added"),
    byUserId: t.exposeID("byUserId"),
    reactions: t.field({ type: [ReactionRef], resolve: (event) => event.reactions }),
  }),
});
