import { builder } from "../../../graphql/builder.ts";
import { requireViewer } from "../../../graphql/context.ts";
import { pageArgs, pageWindow } from "../../../graphql/pagination.ts";
import { UserRef } from "../../users/users.schema.ts";
import { MessageRef } from "../chat.schema.ts";
import { HEART, MAX_EMOJI_LENGTH } from "./emoji.ts";
import { ReactionRef } from "./reactions.events.schema.ts";
import { MAX_REACTIONS_PER_MEMBER, type Reactor, type ReactorPage } from "./reactions.store.ts";

const EMOJI = `One emoji (a single grapheme: ZWJ sequences, flags and skin tones count as one). "❤" is stored as "${HEART}", the like.`;

const ReactorRef = builder.objectRef<Reactor>("Reactor").implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (reactor) => reactor.user }),
    reactedAt: t.expose("reactedAt", { type: "DateTime" }),
  }),
});

const ReactorPageRef = builder.objectRef<ReactorPage>("ReactorPage").implement({
  fields: (t) => ({
    nodes: t.field({ type: [ReactorRef], resolve: (page) => page.nodes }),
    totalCount: t.exposeInt("totalCount"),
    hasNextPage: t.exposeBoolean("hasNextPage"),
  }),
});

builder.objectFields(MessageRef, (t) => ({
  reactions: t.field({
    type: [ReactionRef],
    description: "Each emoji on the message, in the order they first appeared.",
    resolve: (message, _args, ctx) => message.reactions ?? ctx.loaders.reactions.load(message.id),
  }),
  reactors: t.field({
    type: ReactorPageRef,
    description: "Who reacted with one emoji, first reactors first.",
    args: { emoji: t.arg.string({ required: true, maxLength: MAX_EMOJI_LENGTH, description: EMOJI }), ...pageArgs },
    resolve: (message, args, ctx) => ctx.services.reactions.reactorsOf(message.id, args.emoji, pageWindow(args, 20)),
  }),
}));

builder.mutationFields((t) => ({
  addReaction: t.field({
    type: MessageRef,
    description:
      `React to a message of one of my chats (at most ${MAX_REACTIONS_PER_MEMBER} different emojis per message). ` +
      "Idempotent; a change sends a ReactionEvent to every member.",
    args: {
      messageId: t.arg.id({ required: true }),
      emoji: t.arg.string({ required: true, maxLength: MAX_EMOJI_LENGTH, description: EMOJI }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.reactions.addReaction(requireViewer(ctx).id, args.messageId, args.emoji),
  }),
  removeReaction: t.field({
    type: MessageRef,
    description: "Take my reaction back. Idempotent; a change sends a ReactionEvent to every member.",
    args: {
      messageId: t.arg.id({ required: true }),
      emoji: t.arg.string({ required: true, maxLength: MAX_EMOJI_LENGTH, description: EMOJI }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.reactions.removeReaction(requireViewer(ctx).id, args.messageId, args.emoji),
  }),
}));
