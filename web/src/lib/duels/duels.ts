import type { CombinedError } from "@urql/core";
import type { GameSettingsInput, GameSpeed } from "../graphql/generated/graphql.ts";

/** The settings form's values: every field set (the API's defaults). */
export type GameSettingsValues = Required<{ [K in keyof GameSettingsInput]: NonNullable<GameSettingsInput[K]> }>;

/** The API's defaults (GameSettingsInput): MEDIUM, 5 points, 3 minutes, unranked, no cool mode. */
export const defaultSettings = (): GameSettingsValues => ({
  speed: "MEDIUM",
  scoreToWin: 5,
  timeLimitMinutes: 3,
  ranked: false,
  coolMode: false,
});

export const SPEEDS: readonly { value: GameSpeed; label: string }[] = [
  { value: "SLOW", label: "Slow" },
  { value: "MEDIUM", label: "Medium" },
  { value: "FAST", label: "Fast" },
];

export const SCORE_RANGE = { min: 3, max: 20 } as const;
export const TIME_RANGE = { min: 1, max: 5 } as const;

/** One line for a game's settings, e.g. "Medium · 5 points · 3 min · unranked". */
export function describeSettings(settings: GameSettingsValues): string {
  const speed = SPEEDS.find((one) => one.value === settings.speed)?.label ?? settings.speed;
  const parts = [speed, `${settings.scoreToWin} points`, `${settings.timeLimitMinutes} min`];
  parts.push(settings.ranked ? "ranked" : "unranked");
  if (settings.coolMode) parts.push("cool mode");
  return parts.join(" · ");
}

/** This tab's own id, given to the invitation mutations and echoed in their events. */
export const tabId: string =
  typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : Math.random().toString(36).slice(2);

/** An API failure, split by the input field it names (`extensions.field`), else under `form`. */
export interface FieldErrors {
  form?: string;
  fields: Record<string, string>;
}

/** Field names as the API reports them ("settings.scoreToWin") map to the form's ("scoreToWin"). */
export function fieldErrors(error: CombinedError | undefined): FieldErrors {
  const result: FieldErrors = { fields: {} };
  if (!error) return result;
  if (error.networkError) return { form: "Could not reach Parley. Check your connection and try again.", fields: {} };
  for (const one of error.graphQLErrors) {
    const field = one.extensions.field;
    if (typeof field === "string" && field !== "") {
      const name = field.startsWith("settings.") ? field.slice("settings.".length) : field;
      result.fields[name] ??= one.message;
    } else {
      result.form ??= one.message;
    }
  }
  return result;
}

/** The duel page between me and `username`. */
export const duelHref = (username: string) => `/duels/${encodeURIComponent(username)}`;
