import { builder } from "../../graphql/builder.ts";
import type { GameSettings } from "./game-settings.ts";

export const GameSpeed = builder.enumType("GameSpeed", { values: ["SLOW", "MEDIUM", "FAST"] as const });

export const GameSettingsRef = builder.objectRef<GameSettings>("GameSettings").implement({
  fields: (t) => ({
    speed: t.field({ type: GameSpeed, resolve: (settings) => settings.speed }),
    scoreToWin: t.exposeInt("scoreToWin"),
    timeLimitMinutes: t.exposeInt("timeLimitMinutes"),
    ranked: t.exposeBoolean("ranked"),
    coolMode: t.exposeBoolean("coolMode"),
  }),
});

export const GameSettingsInput = builder.inputType("GameSettingsInput", {
  description: "Omitted fields take the defaults: MEDIUM, 5 points, 3 minutes, unranked, no cool mode.",
  fields: (t) => ({
    speed: t.field({ type: GameSpeed, required: false }),
    scoreToWin: t.int({ required: false, description: "3 to 20" }),
    timeLimitMinutes: t.int({ required: false, description: "1 to 5" }),
    ranked: t.boolean({ required: false }),
    coolMode: t.boolean({ required: false }),
  }),
});
