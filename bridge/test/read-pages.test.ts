import { describe, expect, it } from "vitest";
import { readPages } from "../src/legacy/pagination.ts";

describe("readPages", () => {
  const rows = Array.from({ length: 250 }, (_, index) => index);
  const api = (calls: [number, number][]) => async (first: number, offset: number) => {
    calls.push([first, offset]);
    if (first > 100) throw new Error("the API caps pages at 100");
    return { items: rows.slice(offset, offset + first), count: rows.length };
  };

  it("serves a limit above the API's page size from several pages", async () => {
    const calls: [number, number][] = [];
    const result = await readPages({ limit: 1000, offset: 5 }, api(calls));
    expect(result.count).toBe(250);
    expect(result.items).toEqual(rows.slice(5));
    expect(calls).toEqual([
      [100, 5],
      [100, 105],
      [100, 205],
    ]);
  });

  it("reads one page for a small limit, and returns the count past the end", async () => {
    const calls: [number, number][] = [];
    expect(await readPages({ limit: 10, offset: 240 }, api(calls))).toEqual({ items: rows.slice(240), count: 250 });
    expect(await readPages({ limit: 10, offset: 900 }, api(calls))).toEqual({ items: [], count: 250 });
    expect(calls).toEqual([
      [10, 240],
      [10, 900],
    ]);
  });

  it("stops at exactly the limit", async () => {
    const calls: [number, number][] = [];
    const result = await readPages({ limit: 200, offset: 0 }, api(calls));
    expect(result.items).toEqual(rows.slice(0, 200));
    expect(calls).toEqual([
      [100, 0],
      [100, 100],
    ]);
  });
});
