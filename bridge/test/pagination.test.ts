import { describe, expect, it } from "vitest";
import { parsePage, readPages } from "../src/legacy/pagination.ts";

const page = (query: string) => parsePage(new URLSearchParams(query));

describe("parsePage", () => {
  it("defaults to limit 10, offset 0, with no maximum", () => {
    expect(page("")).toEqual({ page: { limit: 10, offset: 0 } });
    expect(page("&limit=10&offset=20")).toEqual({ page: { limit: 10, offset: 20 } });
    expect(page("limit=100000")).toEqual({ page: { limit: 100000, offset: 0 } });
  });

  it("reads integers as pydantic does, the last of repeated keys", () => {
    expect(page("limit=%2B5&offset=%201_0%20")).toEqual({ page: { limit: 5, offset: 10 } });
    expect(page("limit=3.0&offset=2.")).toEqual({ page: { limit: 3, offset: 2 } });
    expect(page("limit=1&limit=7")).toEqual({ page: { limit: 7, offset: 0 } });
  });

  it("answers limit=0 and offset=-1 with django-ninja's 422 list, limit first", () => {
    expect(page("offset=-1&limit=0")).toEqual({
      errors: [
        {
          type: "greater_than_equal",
          loc: ["query", "limit"],
          msg: "Input should be greater than or equal to 1",
          ctx: { ge: 1 },
        },
        {
          type: "greater_than_equal",
          loc: ["query", "offset"],
          msg: "Input should be greater than or equal to 0",
          ctx: { ge: 0 },
        },
      ],
    });
  });

  it("refuses what is not an integer", () => {
    for (const bad of ["abc", "", "1.5", "1e3", "0x10", "1__0", "١"]) {
      expect(page(`limit=${encodeURIComponent(bad)}`)).toEqual({
        errors: [
          {
            type: "int_parsing",
            loc: ["query", "limit"],
            msg: "Input should be a valid integer, unable to parse string as an integer",
          },
        ],
      });
    }
  });
});

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
