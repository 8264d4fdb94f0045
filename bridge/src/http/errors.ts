/** The legacy error bodies (protocol §1.3, §8.1) and how GraphQL errors become them. */

/** A GraphQL error as the API reports it (in process or over the wire). */
export interface ApiError {
  message: string;
  extensions?: Readonly<Record<string, unknown>> | undefined;
}

/** An answer other than success: status and JSON body (`{"msg": …}`, or a 422 list). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const fail = (status: number, msg: string, headers?: Record<string, string>) =>
  new HttpError(status, { msg }, headers);

export const UNAUTHORIZED = "Unauthorized.";
export const SESSION_EXPIRED = "Session is expired. Please login again.";

/** One pydantic-style item of a 422 list. */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  ctx?: Record<string, unknown>;
}

export const invalid = (items: ValidationItem[]) => new HttpError(422, items);

/** Status of each API error code; legacy answers 422 for every rule a request breaks. */
const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 422,
  CONFLICT: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export const codeOf = (error: ApiError): string | undefined =>
  typeof error.extensions?.code === "string" ? error.extensions.code : undefined;

/** The legacy answer to an API error; anything unexpected (masked by the API) is a 500. */
export function fromApiError(error: ApiError): HttpError {
  const code = codeOf(error);
  const status = (code && STATUS[code]) || 500;
  if (status === 401) return fail(401, error.extensions?.reason === "expired" ? SESSION_EXPIRED : UNAUTHORIZED);
  if (status === 429) {
    const retryAfter = error.extensions?.retryAfter;
    return fail(429, "Too many requests.", typeof retryAfter === "number" ? { "retry-after": `${retryAfter}` } : {});
  }
  if (status === 500) return fail(500, "Internal server error.");
  return fail(status, error.message);
}
