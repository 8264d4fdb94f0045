import { z } from "zod";

/**
 * Ids in legacy frames (protocol §2.3, §2.4). Legacy parses them with Python's `uuid.UUID(str)`, which drops
 * every `urn:` / `uuid:` and hyphen and the surrounding braces, then wants 32 hex digits. The bridge uses the
 * canonical lower-case form (legacy used the raw string for chat groups, so odd spellings reached nobody).
 */

const HEX32 = /^[0-9a-f]{32}$/i;

function canonical(hex: string): string | null {
  if (!HEX32.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What Python's UUID() accepts, canonicalised; null for what it refuses. */
export function pythonUuid(raw: string): string | null {
  const hex = raw
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^[{}]+|[{}]+$/g, "");
  return canonical(hex.replaceAll("-", ""));
}

/** Hex digits and hyphens only: the spellings legacy could also use as a chat group name. */
function plainUuid(raw: string): string | null {
  return /^[0-9a-f-]*$/i.test(raw) ? canonical(raw.replaceAll("-", "")) : null;
}

/**
 * A message or notification id: any spelling Python accepts. The empty string, which legacy let through the
 * check and then crashed on (§2.4), is refused (→ close 3100) like any other bad id.
 */
export const legacyId = z
  .string()
  .refine((raw) => pythonUuid(raw) !== null, "not a UUID")
  .transform((raw) => pythonUuid(raw) ?? raw);

/** A chat id: braced and `urn:uuid:` forms crashed legacy when it built the chat group's name (§2.4), so refused. */
export const legacyChatId = z
  .string()
  .refine((raw) => plainUuid(raw) !== null, "not a UUID")
  .transform((raw) => plainUuid(raw) ?? raw);
