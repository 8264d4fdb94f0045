import type { ObjectRef } from "@pothos/core";
import type { StreamReady } from "../realtime/topics.ts";
import { builder } from "./builder.ts";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const StreamReadyEvent = builder.objectRef<StreamReady>("StreamReadyEvent").implement({
  description: "First event of a stream: it is live, so catching up by cursor or refetch now leaves no gap.",
  fields: (t) => ({ at: t.expose("at", { type: "DateTime" }) }),
});

/** One object type per event kind: a kind without one is a compile error, not a silently dropped event. */
export type EventTypes<E extends { kind: string }> = { [K in E["kind"]]: ObjectRef<Types, Extract<E, { kind: K }>> };

/** The union a subscription yields: each event type keyed by its payload's `kind`, plus StreamReadyEvent. */
export function eventUnion<E extends { kind: string }>(name: string, members: EventTypes<E>) {
  const byKind = new Map<string, ObjectRef<Types, E | StreamReady>>([
    ...Object.entries<ObjectRef<Types, E>>(members),
    ["STREAM_READY", StreamReadyEvent],
  ]);
  return builder.unionType(name, {
    types: [...byKind.values()],
    resolveType: (event) => {
      const type = byKind.get(event.kind);
      if (!type) throw new Error(`${name} has no type for event kind ${event.kind}`);
      return type;
    },
  });
}
