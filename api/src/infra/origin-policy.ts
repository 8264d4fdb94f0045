/**
 * Which browser pages may use a session: one policy for GraphQL over HTTP and SSE, the graphql-ws upgrade and
 * the legacy bridge (which adds its double-submit `csrftoken` on top). A page is trusted when its Origin is
 * listed in ALLOWED_ORIGINS or has the host and port the request was sent to (so a same-origin page behind a
 * TLS proxy passes). Cookies are ambient credentials, so an untrusted page may only use explicit ones
 * (`Authorization: Bearer`, graphql-ws `connectionParams`): nothing that a cookie would authenticate.
 */

/** Fetch `Headers` or a wrapper around Node's `IncomingHttpHeaders` (see `nodeHeaders`). */
export interface HeaderSource {
  get(name: string): string | null | undefined;
}

export interface OriginPolicy {
  /** The request's Origin when it is trusted: the only value CORS may allow (with credentials). */
  corsOrigin(headers: HeaderSource): string | undefined;
  /** HTTP: refuse (403) a request of an untrusted page unless it carries `Authorization` (CSRF, login CSRF). */
  refusesRequest(method: string, headers: HeaderSource): boolean;
  /** WebSocket upgrade: refuse (403) one that carries cookies from an untrusted page (cross-site hijacking). */
  refusesUpgrade(headers: HeaderSource): boolean;
}

/** `https://example.com` as `new URL(...).origin` spells it, or undefined for anything that is not an origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return value.replace(/\/$/, "").toLowerCase() === url.origin ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const listed = new Set(allowedOrigins);
  const trustedOrigin = (origin: string, host: string | null | undefined) =>
    listed.has(origin) || sameHost(origin, host);
  /** No Origin: not a cross-origin fetch, unless Fetch Metadata says the request came from another site. */
  const trusted = (headers: HeaderSource) => {
    const origin = headers.get("origin");
    if (origin) return trustedOrigin(origin, headers.get("host"));
    const site = headers.get("sec-fetch-site");
    return !site || site === "same-origin" || site === "none";
  };
  return {
    corsOrigin(headers) {
      const origin = headers.get("origin");
      return origin && trustedOrigin(origin, headers.get("host")) ? origin : undefined;
    },
    refusesRequest(method, headers) {
      if (method === "OPTIONS" || headers.get("authorization")) return false;
      // A link followed from another site renders GraphiQL or a query's JSON to the user: GET cannot mutate.
      if (method === "GET" && headers.get("sec-fetch-mode") === "navigate") return false;
      return !trusted(headers);
    },
    refusesUpgrade(headers) {
      return Boolean(headers.get("cookie")) && !trusted(headers);
    },
  };
}

/** Origin `https://a.example` against `Host: a.example` (or `a.example:443`). */
function sameHost(origin: string, host: string | null | undefined): boolean {
  const url = host ? normalizeOrigin(origin) : undefined;
  if (!url || !host) return false;
  const { protocol, host: originHost } = new URL(url);
  const defaultPort = protocol === "https:" ? ":443" : ":80";
  const requested = host.toLowerCase();
  return originHost === (requested.endsWith(defaultPort) ? requested.slice(0, -defaultPort.length) : requested);
}

/** Node's `IncomingHttpHeaders` (the upgrade request, the bridge's HTTP routes) as a HeaderSource. */
export function nodeHeaders(headers: Record<string, string | string[] | undefined>): HeaderSource {
  return {
    get(name) {
      const value = headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
