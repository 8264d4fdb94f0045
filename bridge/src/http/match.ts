import type { Route } from "./route.ts";

export type Match =
  | { found: true; route: Route; params: Record<string, string> }
  /** the path exists with other methods (405), or not at all (`allowed` empty: 404) */
  | { found: false; allowed: string[] };

/**
 * Exact paths (protocol §1.1): no trailing slash, no empty segment, no normalisation of the raw path; a `:name`
 * segment matches one non-empty, well-encoded segment.
 */
export function routeTable(routes: readonly Route[]): (method: string, path: string) => Match {
  const compiled = routes.map((route) => ({ route, segments: route.path.split("/") }));
  return (method, path) => {
    const segments = path.split("/");
    const allowed: string[] = [];
    for (const { route, segments: pattern } of compiled) {
      const params = matchSegments(pattern, segments);
      if (!params) continue;
      if (route.method === method) return { found: true, route, params };
      allowed.push(route.method);
    }
    return { found: false, allowed };
  };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? "";
    if (part.startsWith(":")) {
      const value = decodeSegment(segment);
      if (!value) return undefined;
      params[part.slice(1)] = value;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}
