import { createHash, randomBytes } from "node:crypto";
import { parse, serialize } from "cookie";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { z } from "zod";

export interface AccessClaims {
  userId: string;
  /** the session (log-in) this token belongs to: logging out ends it */
  sessionId: string;
  /** expiry, epoch seconds */
  exp: number;
}

export type TokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: "missing" | "invalid" | "expired" };

/** Refresh tokens are 43 characters (32 random bytes, base64url). */
export const REFRESH_TOKEN_MAX_LENGTH = 64;

/** Ids are UUIDs: a token with anything else in them is refused before it reaches a query. */
const claimsSchema = z.object({ sub: z.uuid(), sid: z.uuid(), exp: z.number().int() });

/** Short-lived HS256 access tokens (sub = user id, sid = session id) and opaque refresh tokens stored hashed. */
export class TokenService {
  readonly #key: Uint8Array;
  /** A verified token stays valid until it expires: skip the HMAC on every request of a session. */
  readonly #verified = new LRUCache<string, AccessClaims>({ max: 50_000 });

  constructor(
    secret: string,
    readonly accessTtl: number,
    readonly refreshTtl: number,
  ) {
    this.#key = new TextEncoder().encode(secret);
  }

  async signAccess(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtl;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verifyAccess(token: string | undefined | null): Promise<TokenCheck> {
    if (!token) return { ok: false, reason: "missing" };
    const cached = this.#verified.get(token);
    if (cached) return cached.exp * 1000 > Date.now() ? { ok: true, claims: cached } : { ok: false, reason: "expired" };
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ["HS256"] });
      const parsed = claimsSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: "invalid" };
      const claims = { userId: parsed.data.sub, sessionId: parsed.data.sid, exp: parsed.data.exp };
      this.#verified.set(token, claims, { ttl: claims.exp * 1000 - Date.now() });
      return { ok: true, claims };
    } catch (error) {
      return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "expired" : "invalid" };
    }
  }

  newRefreshToken(): { token: string; hash: string; expiresAt: Date } {
    const token = randomBytes(32).toString("base64url");
    return { token, hash: hashRefreshToken(token), expiresAt: new Date(Date.now() + this.refreshTtl * 1000) };
  }
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** `Authorization: Bearer x` first, then the `access_token` cookie. */
export function accessTokenFrom(headers: {
  authorization?: string | null;
  cookie?: string | null;
}): string | undefined {
  const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? readCookie(headers.cookie, "access_token");
}

/** The cookies of a `Cookie` header; a value that is not valid percent-encoding is kept as sent. */
export function parseCookies(header: string | null | undefined): Record<string, string | undefined> {
  return header ? parse(header) : {};
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  return parseCookies(header)[name];
}

export interface CookieOptions {
  maxAge?: number;
  httpOnly?: boolean;
  secure: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return serialize(name, value, {
    path: "/",
    sameSite: "lax",
    maxAge: options.maxAge,
    httpOnly: options.httpOnly ?? true,
    secure: options.secure,
  });
}
