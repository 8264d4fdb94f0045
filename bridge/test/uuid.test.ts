import { describe, expect, it } from "vitest";
import { legacyChatUuid, legacyUuid } from "../src/legacy/uuid.ts";

const ID = "0f8e2c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6";

describe("legacy chat ids", () => {
  it("may differ from the canonical spelling only in case and hyphens", () => {
    for (const spelling of [ID, ID.toUpperCase(), ID.replaceAll("-", ""), "0f8e2c3a1b2c-4d5e8f90-a1b2c3d4e5f6"]) {
      expect(legacyChatUuid.parse(spelling)).toBe(ID);
    }
  });

  it("refuses braced and urn forms, which crashed legacy's chat group names, though they are UUIDs", () => {
    for (const spelling of [`{${ID}}`, `urn:uuid:${ID}`, ` ${ID.replaceAll("-", "").slice(1)}`]) {
      expect(legacyUuid.safeParse(spelling).success).toBe(true);
      expect(legacyChatUuid.safeParse(spelling).success).toBe(false);
    }
  });

  it("refuses the empty string and non-UUIDs", () => {
    for (const bad of ["", "-", "42", `${ID}0`, `${ID.slice(0, -1)}g`]) {
      expect(legacyChatUuid.safeParse(bad).success).toBe(false);
    }
  });
});
