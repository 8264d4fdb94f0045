import { randomInt, timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie";
import { HttpError } from "./errors.ts";

/**
 * Django's double-submit CSRF check (protocol §1.3): on an unsafe method the `csrftoken` cookie and the
 * `X-CSRFToken` header must carry the same well-formed token (32 or 64 letters and digits, as Django accepts;
 * a client may mint its own). The Origin half of Django's check is the API's origin policy, which every
 * operation of the request passes through.
 */

const TOKEN = /^[A-Za-z0-9]{32}(?:[A-Za-z0-9]{32})?$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Django's CSRF_COOKIE_AGE: a year. */
const COOKIE_AGE_S = 31_449_600;

/** JSON, not Django's HTML page (the legacy body is uncertain, §12); Django's own words. */
export const csrfRefusal = () => new HttpError(403, { msg: "CSRF verification failed. Request aborted." });

export function csrfPasses(cookieHeader: string | undefined, headerToken: string | undefined): boolean {
  const cookie = cookieHeader ? parse(cookieHeader).csrftoken : undefined;
  if (!cookie || !headerToken || !TOKEN.test(cookie) || !TOKEN.test(headerToken)) return false;
  return cookie.length === headerToken.length && timingSafeEqual(Buffer.from(cookie), Buffer.from(headerToken));
}

/** A new `csrftoken` cookie (log-in, sign-up): readable by the page's script, which echoes it in X-CSRFToken. */
export function csrfCookie(secure: boolean): string {
  const token = Array.from({ length: 32 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return serialize("csrftoken", token, { path: "/", maxAge: COOKIE_AGE_S, sameSite: "lax", secure, httpOnly: false });
}
