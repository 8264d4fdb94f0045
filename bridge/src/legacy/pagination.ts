/**
 * django-ninja's LimitOffsetPagination (protocol §8.1): `limit` ≥ 1 (default 10, no maximum) and `offset` ≥ 0,
 * read as pydantic reads query integers; invalid values are a 422 list of pydantic-style errors.
 */

export interface LegacyPage {
  limit: number;
  offset: number;
}

/** One pydantic validation error as django-ninja renders it (its `input` removed, no `url`). */
export interface ValidationIssue {
  type: string;
  loc: string[];
  msg: string;
  ctx?: Record<string, number>;
}

export const DEFAULT_LIMIT = 10;

/** pydantic's lax str → int: surrounding whitespace, a sign, `_` between digits and a zero fraction pass. */
const PYDANTIC_INT = /^[+-]?\d+(?:_\d+)*(?:\.0*)?$/;

type Parsed = { value: number } | { issue: ValidationIssue };

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): Parsed {
  const raw = query.getAll(name).at(-1); // Django's QueryDict keeps the last value of a repeated key
  if (raw === undefined) return { value: fallback };
  const text = raw.trim();
  const loc = ["query", name];
  if (!PYDANTIC_INT.test(text)) {
    const msg = "Input should be a valid integer, unable to parse string as an integer";
    return { issue: { type: "int_parsing", loc, msg } };
  }
  const value = Number(text.replace(/_/g, ""));
  if (value < min) {
    const msg = `Input should be greater than or equal to ${min}`;
    return { issue: { type: "greater_than_equal", loc, msg, ctx: { ge: min } } };
  }
  return { value };
}

/** The page a legacy list request asks for, or the 422 body explaining why not (limit's error first). */
export function parsePage(query: URLSearchParams): { page: LegacyPage } | { errors: ValidationIssue[] } {
  const limit = intParam(query, "limit", DEFAULT_LIMIT, 1);
  const offset = intParam(query, "offset", 0, 0);
  if ("value" in limit && "value" in offset) return { page: { limit: limit.value, offset: offset.value } };
  return { errors: [limit, offset].flatMap((parsed) => ("issue" in parsed ? [parsed.issue] : [])) };
}

/** The API's largest page (`first` ≤ 100): a larger legacy limit is served by reading several. */
export const API_PAGE_MAX = 100;

/** The largest offset a GraphQL Int holds; nothing lies beyond it. */
const MAX_OFFSET = 2 ** 31 - 1;

export interface ApiPage<T> {
  items: T[];
  count: number;
}

/**
 * `{items, count}` for a legacy page, read from the API in pages of at most API_PAGE_MAX. `fetch` gets
 * (first, offset); reading stops at the limit or at the first short page.
 */
export async function readPages<T>(
  page: LegacyPage,
  fetch: (first: number, offset: number) => Promise<ApiPage<T>>,
): Promise<ApiPage<T>> {
  const items: T[] = [];
  let count = 0;
  for (let offset = Math.min(page.offset, MAX_OFFSET); ; ) {
    const first = Math.min(API_PAGE_MAX, page.limit - items.length);
    const result = await fetch(first, offset);
    items.push(...result.items);
    count = result.count;
    offset += result.items.length;
    if (result.items.length < first || items.length >= page.limit || offset >= Math.min(count, MAX_OFFSET)) {
      return { items, count };
    }
  }
}
