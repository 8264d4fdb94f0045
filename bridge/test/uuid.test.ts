import { describe, expect, it } from "vitest";
import { legacyChatId, legacyId, pythonUuid } from "../src/legacy/uuid.ts";

const ID = "0f8e2c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6";

describe("legacy ids", () => {
  it("canonicalises every spelling Python's UUID() accepts", () => {
    for (const spelling of [
      ID,
      ID.toUpperCase(),
      ID.replaceAll("-", ""),
      `{${ID}}`,
      `urn:uuid:${ID}`,
      "0f8e2c3a1b2c-4d5e8f90-a1b2c3d4e5f6",
    ]) {
      expect(pythonUuid(spelling)).toBe(ID);
      expect(legacyId.parse(spelling)).toBe(ID);
    }
  });

  it("refuses the empty string (a legacy crash path) and what is not a UUID", () => {
    for (const bad of ["", "42", `${ID}0`, ID.slice(1), `${ID.slice(0, -1)}g`, `URN:UUID:${ID}`]) {
      expect(legacyId.safeParse(bad).success).toBe(false);
      expect(legacyChatId.safeParse(bad).success).toBe(false);
    }
    expect(legacyId.safeParse(null).success).toBe(false);
    expect(legacyId.safeParse(7).success).toBe(false);
  });

  it("a chat id may differ only in case and hyphens: braced and urn forms crashed legacy", () => {
    expect(legacyChatId.parse(ID.toUpperCase())).toBe(ID);
    expect(legacyChatId.parse(ID.replaceAll("-", ""))).toBe(ID);
    expect(legacyChatId.safeParse(`{${ID}}`).success).toBe(false);
    expect(legacyChatId.safeParse(`urn:uuid:${ID}`).success).toBe(false);
  });
});
