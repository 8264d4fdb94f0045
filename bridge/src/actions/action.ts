import type { z } from "zod";
import type { ApiSocket, Operation } from "../executor.ts";
import type { LegacyFrame } from "../legacy/frame.ts";

/** The legacy socket a frame came from, as an action sees it. */
export interface ActionContext {
  /** the caller, read once when the socket opened */
  caller: { userId: string; username: string; nickname: string };
  api: ApiSocket;
  /** to this socket only (e.g. `game_declined` to the decliner's acting socket, §3.8) */
  reply(frame: LegacyFrame): void;
  /** this socket's id: an action's own echo can be told apart from its other sockets' copies */
  socketId: string;
}

/** One client → server action (protocol §3): its `data` schema (§2.3) and what it runs. */
export interface SocketAction<D> {
  data: z.ZodType<D>;
  run(data: D, ctx: ActionContext): Promise<void>;
}

/** A domain's actions by legacy name. Built with `action()` so each entry keeps its own data type. */
export type ActionTable = Record<string, SocketAction<never>>;

export const action = <D>(entry: SocketAction<D>): SocketAction<never> => entry as SocketAction<never>;

/**
 * A subscription every legacy socket holds while open (server → client frames, protocol §4). `frames` turns
 * one event into the frames this socket must send (none, one or several).
 */
export interface LiveFeed<R> {
  operation: Operation<R, Record<string, never>>;
  frames(event: R, ctx: ActionContext): LegacyFrame[];
}

/** A LiveFeed of any result type, for a domain's list (`frames` is a method, so LiveFeed<R> fits). */
export type AnyLiveFeed = LiveFeed<unknown>;

/** One domain's part of the legacy socket: its actions and the feeds every socket holds. */
export interface Domain {
  actions: ActionTable;
  feeds: AnyLiveFeed[];
}
