import { describe, expect, it } from "vitest";
import { AVATAR_COLOURS, avatarColour, DEFAULT_AVATAR, hasPicture, initials } from "./avatar.ts";
import { contrast } from "./contrast.ts";

describe("initials", () => {
  it("takes the first letters of two words, or two letters of one", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("ada")).toBe("AD");
    expect(initials("grace_hopper")).toBe("GH");
    expect(initials("  ")).toBe("?");
    expect(initials("Émile Zola Extra")).toBe("ÉZ");
    expect(initials("😀x")).toBe("😀X");
  });
});

describe("avatar colours", () => {
  it("are stable per user and AA against white text", () => {
    expect(avatarColour("ada")).toBe(avatarColour("ada"));
    for (const colour of AVATAR_COLOURS) expect(contrast(colour, "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });
  it("treat the API's default avatar as no picture", () => {
    expect(hasPicture(DEFAULT_AVATAR)).toBe(false);
    expect(hasPicture("")).toBe(false);
    expect(hasPicture("/media/a.png")).toBe(true);
  });
});
