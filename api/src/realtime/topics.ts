import type { ChatEvent } from "../domains/chat/chat.events.ts";

/** A pub/sub channel name that carries events of type T. Build topics only through `topics`. */
export type Topic<T> = string & { readonly __event?: T };

/** Everything pushed to one user: fan-out on write to `user:{id}`, so authorization is structural. */
export type InboxEvent = ChatEvent;

export interface StreamReady {
  kind: "STREAM_READY";
  at: string;
}

export const topics = {
  inbox: (userId: string) => `user:${userId}` as Topic<InboxEvent>,
};
