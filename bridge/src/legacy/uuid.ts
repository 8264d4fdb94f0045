import { z } from "zod";

/** Python's `str.isspace()` characters, which `int()` turns into spaces and strips around its digits. */
const PY_SPACES = new Set([
  ..."\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000",
  ...["\x1c", "\x1d", "\x1e", "\x1f"], // information separators: spaces to Python, not to JavaScript
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
]);
const OUTER_SPACES = /^ +| +$/g;
/** What `int(s, 16)` takes once spaces are stripped: a sign, `0x`, digits with single underscores between. */
const PY_HEX_INT = /^\+?(?:0[xX]_?)?[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const DECIMAL_DIGIT = /\p{Nd}/u;
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The canonical spelling (lower case, hyphenated) of what Python's `uuid.UUID(s)` accepts (protocol §2.3):
 * hyphen-less, upper case, `{…}`-braced and `urn:uuid:` forms, and whatever `int(s, 16)` reads (spaces around,
 * `+`, `0x`, underscores between digits, non-ASCII decimal digits); undefined for anything else, "" included.
 */
export function canonicalUuid(value: string): string | undefined {
  if (CANONICAL.test(value)) return value; // the usual spelling: no work
  const bare = value
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^[{}]+|[}{]+$/g, "")
    .replaceAll("-", "");
  if ([...bare].length !== 32) return undefined;
  const digits = asciiDigits(bare)?.replace(OUTER_SPACES, "");
  if (!digits || !PY_HEX_INT.test(digits)) return undefined;
  const hex = digits
    .replace(/^\+/, "")
    .replace(/^0[xX]/, "")
    .replaceAll("_", "")
    .toLowerCase()
    .padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Python's `int()` first turns every Unicode decimal digit into its ASCII one (`٣` → `3`). */
function asciiDigits(text: string): string | undefined {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (PY_SPACES.has(char)) out += " ";
    else if (code < 0x80) out += char;
    else if (DECIMAL_DIGIT.test(char)) out += String(digitValue(code));
    else return undefined;
  }
  return out;
}

/** Decimal digits come in runs of ten from zero: count back to the run's start. */
function digitValue(code: number): number {
  let start = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}

/** A legacy UUID field (§2.3): a string Python reads as a UUID, canonicalised; "" and non-strings fail (→ 3100). */
export const legacyUuid = z.string().transform((value, ctx) => {
  const canonical = canonicalUuid(value);
  if (canonical === undefined) {
    ctx.addIssue({ code: "custom", message: "not a UUID" });
    return z.NEVER;
  }
  return canonical;
});

/**
 * A `chat_id` (§2.4): legacy built the chat group's name from the raw string, so a braced, `urn:uuid:` or
 * otherwise decorated spelling crashed it after the check; only case and hyphens may differ here (→ 3100 else).
 */
export const legacyChatUuid = z
  .string()
  .regex(/^[0-9a-fA-F-]+$/, "not a plain UUID")
  .pipe(legacyUuid);
