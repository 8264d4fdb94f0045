/**
 * `<iso-py>` (protocol notation): Python `isoformat()` of an aware UTC datetime, from the API's ISO string
 * (`2025-03-01T10:20:30.123Z` → `2025-03-01T10:20:30.123000+00:00`; a zero fraction is omitted).
 */
export function isoPy(iso: string): string {
  const dot = iso.indexOf(".");
  if (dot < 0) return `${iso.slice(0, 19)}+00:00`;
  const fraction = iso
    .slice(dot + 1, iso.length - 1)
    .padEnd(6, "0")
    .slice(0, 6);
  return fraction === "000000" ? `${iso.slice(0, dot)}+00:00` : `${iso.slice(0, dot)}.${fraction}+00:00`;
}
// `<iso-http>` (Django's JSON encoder: milliseconds, `Z`) is the API's DateTime as it is: no conversion.
