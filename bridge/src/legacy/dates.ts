/**
 * The two legacy date formats (protocol § Notation), from the API's DateTime strings (ISO-8601 UTC, as
 * `Date.toISOString()` prints them; up to microseconds are kept if a value carries them).
 */

const ISO_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(?:Z|[+-]00:?00)$/;

/** Seconds part and the fraction as 6 digits (microseconds), read without a Date so nothing is rounded. */
function parts(iso: string): { seconds: string; micros: string } {
  const match = ISO_UTC.exec(iso) ?? ISO_UTC.exec(toUtc(iso));
  if (!match?.[1]) throw new TypeError(`Not an ISO-8601 date: ${iso}`);
  return { seconds: match[1], micros: (match[2] ?? "").padEnd(6, "0").slice(0, 6) };
}

/** Another offset, shifted to UTC (milliseconds then, as a Date holds them). */
function toUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

/** `<iso-py>`: Python's `isoformat()` of an aware UTC datetime: microseconds, `+00:00`, no fraction when zero. */
export function isoPy(iso: string): string {
  const { seconds, micros } = parts(iso);
  return micros === "000000" ? `${seconds}+00:00` : `${seconds}.${micros}+00:00`;
}

/**
 * `<iso-http>`: Django's JSON encoder: `isoformat()` cut to milliseconds, `Z`. Like Django it drops the
 * fraction only when the microseconds are zero.
 */
export function isoHttp(iso: string): string {
  const { seconds, micros } = parts(iso);
  return micros === "000000" ? `${seconds}Z` : `${seconds}.${micros.slice(0, 3)}Z`;
}
