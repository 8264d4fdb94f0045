import type { ObjectRef } from "@pothos/core";
import { filter, pipe } from "graphql-yoga";
import { topics } from "../realtime/topics.ts";
import { builder } from "./builder.ts";
import { type Context, requireViewer } from "./context.ts";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const StreamReadyEvent = builder.objectRef<{ kind: "STREAM_READY"; at: string }>("StreamReadyEvent").implement({
  description: "First event of a stream: it is live, so catching up by cursor or refetch now leaves no gap.",
  fields: (t) => ({ at: t.expose("at", { type: "DateTime" }) }),
});

/** The union a subscription yields: each event type keyed by its payload's `kind`, plus StreamReadyEvent. */
export function eventUnion(name: string, members: Record<string, ObjectRef<Types, unknown>>) {
  const byKind: Record<string, ObjectRef<Types, unknown>> = { ...members, STREAM_READY: StreamReadyEvent };
  return builder.unionType(name, {
    types: Object.values(byKind),
    resolveType: (event) => byKind[(event as { kind: string }).kind],
  });
}

/** The viewer's inbox (`user:{id}`), narrowed to one domain's event kinds. */
export function inboxEvents(ctx: Context, kinds: ReadonlySet<string>) {
  return pipe(
    ctx.bus.subscribe(topics.inbox(requireViewer(ctx).id)),
    filter((event) => event.kind === "STREAM_READY" || kinds.has(event.kind)),
  );
}
