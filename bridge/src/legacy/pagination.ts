/**
 * A legacy page (`limit` has no maximum, protocol §8.1; parsed by http/pagination.ts) read from the API, whose
 * pages hold at most API_PAGE_MAX items.
 */
import type { Page } from "../http/pagination.ts";

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
  page: Page,
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
