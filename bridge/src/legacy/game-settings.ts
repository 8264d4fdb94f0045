import type { GameSettingsInput, GameSpeed } from "../operations/generated/graphql.ts";

/** Legacy game settings as the frontend sends them and the notification list shows them (protocol §3.6, §8.3). */
export interface LegacySettings {
  game_speed: "slow" | "medium" | "fast";
  score_to_win: number;
  time_limit: number;
  ranked: boolean;
  cool_mode: boolean;
}

const SPEEDS = ["slow", "medium", "fast"] as const;

/** Python's int: a bool is one (`True == 1`), a float is not (JSON `5.0` arrives here as 5, so it passes). */
const pythonInt = (value: unknown): number | undefined =>
  typeof value === "boolean" ? Number(value) : Number.isInteger(value) ? (value as number) : undefined;

const inRange = (value: unknown, min: number, max: number): boolean => {
  const int = pythonInt(value);
  return int !== undefined && int >= min && int <= max;
};

/** Each known key's rule; present keys must pass (null fails), unknown keys are allowed. */
const RULES: Record<keyof LegacySettings, (value: unknown) => boolean> = {
  game_speed: (value) => SPEEDS.includes(value as never),
  ranked: (value) => typeof value === "boolean",
  cool_mode: (value) => typeof value === "boolean",
  score_to_win: (value) => inRange(value, 3, 20),
  time_limit: (value) => inRange(value, 1, 5),
};

/**
 * The §3.6 step 1 check, exactly: a non-object fails, and so does any known key that is present and breaks its
 * rule. `undefined` and `null` are settings not given (legacy skips the check for null and then crashes when
 * the invitation is accepted; here both mean the defaults).
 */
export function validLegacySettings(settings: unknown): boolean {
  if (settings === undefined || settings === null) return true;
  if (typeof settings !== "object" || Array.isArray(settings)) return false;
  const given = settings as Record<string, unknown>;
  return Object.entries(RULES).every(([key, rule]) => !(key in given) || rule(given[key]));
}

/** Valid legacy settings → the API's input; missing keys stay unset and take the API's defaults. */
export function toSettingsInput(settings: unknown): GameSettingsInput {
  if (settings === undefined || settings === null || typeof settings !== "object") return {};
  const given = settings as Partial<Record<keyof LegacySettings, unknown>>;
  const input: GameSettingsInput = {};
  if (typeof given.game_speed === "string") input.speed = given.game_speed.toUpperCase() as GameSpeed;
  if (given.score_to_win !== undefined) input.scoreToWin = pythonInt(given.score_to_win);
  if (given.time_limit !== undefined) input.timeLimitMinutes = pythonInt(given.time_limit);
  if (typeof given.ranked === "boolean") input.ranked = given.ranked;
  if (typeof given.cool_mode === "boolean") input.coolMode = given.cool_mode;
  return input;
}

/** The API's settings (every field set) → the legacy shape, keys in the legacy schema's order. */
export function fromApiSettings(settings: {
  speed: string;
  scoreToWin: number;
  timeLimitMinutes: number;
  ranked: boolean;
  coolMode: boolean;
}): LegacySettings {
  return {
    game_speed: settings.speed.toLowerCase() as LegacySettings["game_speed"],
    score_to_win: settings.scoreToWin,
    time_limit: settings.timeLimitMinutes,
    ranked: settings.ranked,
    cool_mode: settings.coolMode,
  };
}
