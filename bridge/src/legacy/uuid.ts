import { z } from "zod";

/**
 * Python's `uuid.UUID(str)` accepts upper case, no hyphens, `{…}` and `urn:uuid:` (§2.3); ids are used in
 * canonical form (lower case, hyphenated) so they match what the API stores. Null when it is no UUID.
 */
export function canonicalUuid(value: string): string | null {
  const hex = value
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^\{+|\}+$/g, "")
    .replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const lower = hex.toLowerCase();
  return `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`;
}

/** A required UUID field: any spelling Python accepts, canonicalised; anything else (even "") fails. */
export const legacyUuid = z.string().transform((value, ctx) => {
  const uuid = canonicalUuid(value);
  if (uuid === null) ctx.addIssue({ code: "custom", message: "not a UUID" });
  return uuid ?? "";
});
