import { invalid, type ValidationItem } from "./errors.ts";

/** django-ninja's LimitOffset (protocol §8.1): `limit` ≥ 1 (default 10, no maximum), `offset` ≥ 0 (default 0). */
export interface Page {
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 10;

/** Parses `limit` and `offset`; a bad value is a 422 list naming every bad parameter, as pydantic reports them. */
export function parsePage(query: URLSearchParams): Page {
  const problems: ValidationItem[] = [];
  const limit = integerParam(query, "limit", DEFAULT_LIMIT, 1, problems);
  const offset = integerParam(query, "offset", 0, 0, problems);
  if (problems.length > 0) throw invalid(problems);
  return { limit, offset };
}

/** The legacy paginated body: the page's items and the total before slicing. */
export const paginated = <T>(items: T[], count: number) => ({ items, count });

/** Python's int() of a query string: optional sign and surrounding whitespace, digits (underscores between). */
const INTEGER = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

function integerParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  problems: ValidationItem[],
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const loc = ["query", name];
  const value = INTEGER.test(raw) ? Number(raw.replaceAll("_", "").trim()) : Number.NaN;
  // past 2^53 a number names no page anyone has: refused like a non-number
  if (!Number.isSafeInteger(value)) {
    problems.push({
      type: "int_parsing",
      loc,
      msg: "Input should be a valid integer, unable to parse string as an integer",
    });
    return fallback;
  }
  if (value < min) {
    problems.push({
      type: "greater_than_equal",
      loc,
      msg: `Input should be greater than or equal to ${min}`,
      ctx: { ge: min },
    });
  }
  return value;
}

/** The API's largest page (api/src/graphql/pagination.ts MAX_PAGE_SIZE). */
const API_PAGE_MAX = 100;

/** A page of an API list, as its `first`/`offset` fields answer. */
export interface ApiPage<T> {
  totalCount: number;
  nodes: T[];
}

/**
 * The legacy page out of API pages: legacy has no maximum `limit`, the API answers at most 100 per operation,
 * so a larger limit takes several (stopping at the end of the list). Returns the `{items, count}` body.
 */
export async function fetchPage<T>(
  page: Page,
  fetch: (first: number, offset: number) => Promise<ApiPage<T>>,
): Promise<{ items: T[]; count: number }> {
  const items: T[] = [];
  let count = 0;
  while (items.length < page.limit) {
    const first = Math.min(API_PAGE_MAX, page.limit - items.length);
    const result = await fetch(first, page.offset + items.length);
    count = result.totalCount;
    items.push(...result.nodes);
    if (result.nodes.length < first) break;
  }
  return paginated(items, count);
}
