import { CombinedError } from "@urql/core";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { defaultSettings, describeSettings, fieldErrors } from "./duels.ts";

describe("duel forms", () => {
  it("puts the API's messages next to the fields they name (settings.* under the settings' own names)", () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError("Invalid game settings: settings.scoreToWin Too big", {
          extensions: { code: "BAD_USER_INPUT", field: "settings.scoreToWin", reason: "INVALID_INPUT" },
        }),
        new GraphQLError("An alias must be 1 to 12 characters.", {
          extensions: { code: "BAD_USER_INPUT", field: "alias" },
        }),
        new GraphQLError("You are in an ongoing game.", { extensions: { code: "CONFLICT", reason: "ENGAGED" } }),
      ],
    });
    expect(fieldErrors(error)).toEqual({
      form: "You are in an ongoing game.",
      fields: {
        scoreToWin: "Invalid game settings: settings.scoreToWin Too big",
        alias: "An alias must be 1 to 12 characters.",
      },
    });
    expect(fieldErrors(undefined)).toEqual({ fields: {} });
    expect(fieldErrors(new CombinedError({ networkError: new Error("offline") })).form).toMatch(/reach Parley/);
  });

  it("describes settings in one line, the API's defaults first", () => {
    expect(describeSettings(defaultSettings())).toBe("Medium · 5 points · 3 min · unranked");
    expect(describeSettings({ ...defaultSettings(), speed: "FAST", ranked: true, coolMode: true })).toBe(
      "Fast · 5 points · 3 min · ranked · cool mode",
    );
  });
});
