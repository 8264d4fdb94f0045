/**
 * Times as chat screens show them, in the viewer's time zone. Every function takes the API's ISO
 * `DateTime` strings or Dates, and a `now` (default: the current time) so tests and live labels agree.
 */
export type TimeInput = string | number | Date;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const toDate = (value: TimeInput): Date => (value instanceof Date ? value : new Date(value));

/** The local calendar day, as a comparable number (days since the epoch in local time). */
function localDay(date: Date): number {
  return Math.round(new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime() / (24 * HOUR));
}

export function isSameDay(a: TimeInput, b: TimeInput): boolean {
  return localDay(toDate(a)) === localDay(toDate(b));
}

/** `14:05`: hours and minutes, 24-hour, zero-padded. */
export function clockTime(value: TimeInput): string {
  const date = toDate(value);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** `3 March`, or `3 March 2025` in another year than `now`'s. */
export function shortDate(value: TimeInput, now: TimeInput = Date.now(), locale?: string): string {
  const date = toDate(value);
  const sameYear = date.getFullYear() === toDate(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(date);
}

/** A date separator: `Today`, `Yesterday`, a weekday within the last week, else the date. */
export function dayLabel(value: TimeInput, now: TimeInput = Date.now(), locale?: string): string {
  const days = localDay(toDate(now)) - localDay(toDate(value));
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days > 1 && days < 7) {
    const date = toDate(value);
    const weekday = new Intl.DateTimeFormat(locale, { weekday: "long" }).format(date);
    return `${weekday}, ${shortDate(date, now, locale)}`;
  }
  return shortDate(value, now, locale);
}

/**
 * `just now`, `5 min ago`, `3 h ago` (within today or the last 24 hours), `Yesterday`, then the date.
 * A time slightly in the future (clock skew) reads as `just now`.
 */
export function relativeTime(value: TimeInput, now: TimeInput = Date.now(), locale?: string): string {
  const date = toDate(value);
  const elapsed = toDate(now).getTime() - date.getTime();
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < 24 * HOUR && (isSameDay(date, now) || elapsed < 6 * HOUR)) return `${Math.floor(elapsed / HOUR)} h ago`;
  if (localDay(toDate(now)) - localDay(date) === 1) return "Yesterday";
  return shortDate(date, now, locale);
}

/** A conversation list's time column: `14:05` today, `Yesterday`, a short weekday within a week, else the date. */
export function listTime(value: TimeInput, now: TimeInput = Date.now(), locale?: string): string {
  const date = toDate(value);
  const days = localDay(toDate(now)) - localDay(date);
  if (days <= 0) return clockTime(date);
  if (days === 1) return "Yesterday";
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: "short" }).format(date);
  return shortDate(date, now, locale);
}

/** A full date and time for a title/tooltip: `Tuesday, 3 March 2026 at 14:05`. */
export function fullDateTime(value: TimeInput, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short" }).format(toDate(value));
}
