/**
 * When a signed download URL stops working, in epoch milliseconds, or null when it does not say. Parley's
 * own URLs (embedded mode) carry `exp` (epoch seconds); S3 presigned ones `X-Amz-Date` + `X-Amz-Expires`.
 */
export function urlExpiresAt(url: string): number | null {
  let params: URLSearchParams;
  try {
    params = new URL(url, "http://parley.invalid").searchParams;
  } catch {
    return null;
  }
  const exp = params.get("exp");
  if (exp && /^\d+$/.test(exp)) return Number(exp) * 1000;
  const date = params.get("X-Amz-Date");
  const expires = params.get("X-Amz-Expires");
  const match = date?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (match && expires && /^\d+$/.test(expires)) {
    const [, y, mo, d, h, mi, s] = match.map(Number);
    return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s) + Number(expires) * 1000;
  }
  return null;
}

/** Expired, or about to (within `marginMs`): fetch fresh URLs before using it. */
export function isExpired(url: string, now = Date.now(), marginMs = 5_000): boolean {
  const at = urlExpiresAt(url);
  return at !== null && at - marginMs <= now;
}

/**
 * The cursor `messages(after:, first: 1)` takes to return exactly the message at `cursor` (the API has no
 * single-message query). Cursors are message sequence numbers today; null if that ever changes.
 */
export function cursorBefore(cursor: string): string | null {
  if (!/^\d{1,9}$/.test(cursor)) return null;
  const seq = Number(cursor);
  return seq >= 1 ? String(seq - 1) : null;
}
