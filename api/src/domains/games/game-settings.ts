import { z } from "zod";
import { badInput } from "../../graphql/errors.ts";

/** Duel and tournament settings; missing fields take the defaults (protocol §8.3). */
export const gameSettingsSchema = z.object({
  speed: z.enum(["SLOW", "MEDIUM", "FAST"]).default("MEDIUM"),
  scoreToWin: z.int().min(3).max(20).default(5),
  timeLimitMinutes: z.int().min(1).max(5).default(3),
  ranked: z.boolean().default(false),
  coolMode: z.boolean().default(false),
});

export type GameSettings = z.infer<typeof gameSettingsSchema>;

/** Validates settings from any client, filling defaults; a bad field is BAD_USER_INPUT naming it. */
export function parseGameSettings(input: Record<string, unknown> | null | undefined): GameSettings {
  // GraphQL sends omitted input fields as null: they take the default too.
  const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value != null));
  const parsed = gameSettingsSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = `settings.${issue?.path.join(".") ?? ""}`;
  throw badInput(`Invalid game settings: ${field} ${issue?.message ?? ""}`.trim(), field);
}
