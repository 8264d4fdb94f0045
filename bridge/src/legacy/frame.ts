/** A server → client frame: `{action, data}`, or flat for `game_accepted` (protocol §2.1, §4.7). */
export type LegacyFrame =
  | { action: string; data: Record<string, unknown> }
  | ({ action: "game_accepted" } & Record<string, unknown>);
