import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * HMAC-SHA256 over a URL's method, path and parameters (which include its expiry, epoch seconds): what the
 * filesystem store's routes accept. The key is derived from the JWT secret, which every instance shares.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac("sha256", secret).update("parley media url signing").digest();
  }

  /** `params` without `sig`; returns them with it, as a query string. */
  sign(method: string, path: string, params: Record<string, string>): string {
    const query = new URLSearchParams(params);
    query.sort();
    query.set("sig", this.mac(method, path, query));
    return query.toString();
  }

  /** The signed parameters, or why they are refused. */
  verify(method: string, path: string, query: URLSearchParams, now = Date.now()): Params | "invalid" | "expired" {
    const signature = query.get("sig");
    const signed = new URLSearchParams(query);
    signed.delete("sig");
    signed.sort();
    const expected = Buffer.from(this.mac(method, path, signed));
    if (!signature || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), expected)) {
      return "invalid";
    }
    const exp = Number(signed.get("exp"));
    if (!Number.isFinite(exp) || exp * 1000 < now) return "expired";
    return Object.fromEntries(signed);
  }

  private mac(method: string, path: string, query: URLSearchParams): string {
    return createHmac("sha256", this.key).update(`${method}\n${path}\n${query.toString()}`).digest("base64url");
  }
}

export type Params = Record<string, string>;

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
