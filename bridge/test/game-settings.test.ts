import { describe, expect, it } from "vitest";
import { fromApiSettings, toSettingsInput, validLegacySettings } from "../src/legacy/game-settings.ts";

describe("legacy game settings (protocol §3.6 step 1)", () => {
  it("passes absent, null, empty, partial, complete and unknown-key settings", () => {
    for (const settings of [
      undefined,
      null,
      {},
      { game_speed: "slow" },
      { game_speed: "fast", score_to_win: 20, time_limit: 5, ranked: true, cool_mode: false },
      { score_to_win: 3, time_limit: 1, extra: { anything: [1, null] } },
    ]) {
      expect(validLegacySettings(settings), JSON.stringify(settings)).toBe(true);
    }
  });

  it("fails a non-object, a null known key, and every value out of its rule", () => {
    for (const settings of [
      [],
      "fast",
      3,
      true,
      { game_speed: null },
      { game_speed: "FAST" },
      { game_speed: "turbo" },
      { ranked: "true" },
      { ranked: 1 },
      { cool_mode: null },
      { score_to_win: 2 },
      { score_to_win: 21 },
      { score_to_win: "5" },
      { score_to_win: 5.5 },
      { score_to_win: true },
      { time_limit: 0 },
      { time_limit: 6 },
      { time_limit: "3" },
      { time_limit: false },
    ]) {
      expect(validLegacySettings(settings), JSON.stringify(settings)).toBe(false);
    }
  });

  it("counts true as the integer 1 (Python), so time_limit: true passes", () => {
    expect(validLegacySettings({ time_limit: true })).toBe(true);
    expect(toSettingsInput({ time_limit: true })).toEqual({ timeLimitMinutes: 1 });
  });

  it("maps to the API's input, leaving missing keys to its defaults, and back", () => {
    expect(toSettingsInput(undefined)).toEqual({});
    expect(toSettingsInput(null)).toEqual({});
    expect(
      toSettingsInput({ game_speed: "fast", score_to_win: 7, time_limit: 2, ranked: true, cool_mode: true, x: 1 }),
    ).toEqual({ speed: "FAST", scoreToWin: 7, timeLimitMinutes: 2, ranked: true, coolMode: true });
    const legacy = fromApiSettings({
      speed: "MEDIUM",
      scoreToWin: 5,
      timeLimitMinutes: 3,
      ranked: false,
      coolMode: false,
    });
    expect(Object.keys(legacy)).toEqual(["game_speed", "score_to_win", "time_limit", "ranked", "cool_mode"]);
    expect(legacy).toEqual({ game_speed: "medium", score_to_win: 5, time_limit: 3, ranked: false, cool_mode: false });
  });
});
