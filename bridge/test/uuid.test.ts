import { describe, expect, it } from "vitest";
import { canonicalUuid, legacyUuid } from "../src/legacy/uuid.ts";

const ID = "0b7c9d4e-1f2a-4b3c-8d5e-6f7a8b9c0d1e";

describe("legacy UUIDs (protocol §2.3)", () => {
  it("canonicalises every spelling Python's UUID() accepts", () => {
    for (const spelling of [ID, ID.toUpperCase(), ID.replaceAll("-", ""), `{${ID}}`, `urn:uuid:${ID}`]) {
      expect(canonicalUuid(spelling), spelling).toBe(ID);
    }
  });

  it("refuses the rest, the empty string included", () => {
    for (const bad of ["", "x", `${ID}0`, ID.slice(1), `${ID.slice(0, -1)}g`]) {
      expect(canonicalUuid(bad), bad).toBeNull();
      expect(legacyUuid.safeParse(bad).success).toBe(false);
    }
    expect(legacyUuid.parse(ID.toUpperCase())).toBe(ID);
  });
});
