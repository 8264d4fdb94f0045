// The legacy HTTP layer's pure parts: limit/offset, paging through the API, exact path matching, CSRF tokens.
import { describe, expect, it } from "vitest";
import { csrfCookie, csrfPasses } from "../src/http/csrf.ts";
import { HttpError } from "../src/http/errors.ts";
import { routeTable } from "../src/http/match.ts";
import { fetchPage, parsePage } from "../src/http/pagination.ts";
import type { Route } from "../src/http/route.ts";

const page = (search: string) => parsePage(new URLSearchParams(search));
const refusal = (search: string) => {
  try {
    page(search);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, body: error.body };
  }
  throw new Error(`${search} was accepted`);
};

describe("limit/offset (protocol §8.1)", () => {
  it("defaults to 10 and 0, has no maximum, reads Python-style integers", () => {
    expect(page("")).toEqual({ limit: 10, offset: 0 });
    expect(page("?&limit=10&offset=20")).toEqual({ limit: 10, offset: 20 });
    expect(page("limit=100000")).toEqual({ limit: 100_000, offset: 0 });
    expect(page("limit=+7&offset=1_0")).toEqual({ limit: 7, offset: 10 });
  });

  it("answers 422 with a pydantic-style list naming every bad parameter", () => {
    expect(refusal("limit=0")).toEqual({
      status: 422,
      body: [
        {
          type: "greater_than_equal",
          loc: ["query", "limit"],
          msg: "Input should be greater than or equal to 1",
          ctx: { ge: 1 },
        },
      ],
    });
    const both = refusal("limit=abc&offset=-1");
    expect(both.body).toEqual([
      expect.objectContaining({ type: "int_parsing", loc: ["query", "limit"] }),
      expect.objectContaining({ type: "greater_than_equal", loc: ["query", "offset"], ctx: { ge: 0 } }),
    ]);
    for (const bad of ["limit=", "limit=1.5", "limit=1e3", "offset=99999999999999999999"]) {
      expect(refusal(bad).status).toBe(422);
    }
  });
});

describe("legacy pages out of API pages", () => {
  const list = Array.from({ length: 250 }, (_, i) => i);
  const api = (calls: [number, number][]) => async (first: number, offset: number) => {
    calls.push([first, offset]);
    return { totalCount: list.length, nodes: list.slice(offset, offset + first) };
  };

  it("a limit past the API's 100 takes several pages, and stops at the end of the list", async () => {
    const calls: [number, number][] = [];
    const page = await fetchPage({ limit: 230, offset: 5 }, api(calls));
    expect(page.count).toBe(250);
    expect(page.items).toEqual(list.slice(5, 235));
    expect(calls).toEqual([
      [100, 5],
      [100, 105],
      [30, 205],
    ]);
    const tail: [number, number][] = [];
    expect((await fetchPage({ limit: 1_000_000, offset: 240 }, api(tail))).items).toEqual(list.slice(240));
    expect(tail).toEqual([[100, 240]]);
  });
});

describe("route matching (protocol §1.1)", () => {
  const route = (method: Route["method"], path: string): Route => ({
    method,
    path,
    csrf: false,
    auth: false,
    handle: async () => ({ status: 200 }),
  });
  const match = routeTable([
    route("GET", "/api/chats"),
    route("PUT", "/api/chats/:username"),
    route("GET", "/api/chats/:username/messages"),
  ]);

  it("matches exact paths and decodes parameters", () => {
    expect(match("GET", "/api/chats")).toMatchObject({ found: true, params: {} });
    expect(match("PUT", "/api/chats/J%C3%BCrgen")).toMatchObject({ found: true, params: { username: "Jürgen" } });
  });

  it("refuses trailing slashes, empty or badly encoded segments, and tells other methods apart", () => {
    for (const path of [
      "/api/chats/",
      "/api/chats//messages",
      "/api/chats/%E0%A4%A/messages",
      "/api/chats/a/messages/",
    ]) {
      expect(match("GET", path)).toEqual({ found: false, allowed: [] });
    }
    expect(match("DELETE", "/api/chats/bob")).toEqual({ found: false, allowed: ["PUT"] });
  });
});

describe("double-submit CSRF (protocol §1.3)", () => {
  const token = "a".repeat(32);
  it("passes when cookie and header carry the same well-formed token", () => {
    expect(csrfPasses(`x=1; csrftoken=${token}`, token)).toBe(true);
    expect(csrfPasses(`csrftoken=${"B9".repeat(32)}`, "B9".repeat(32))).toBe(true);
  });

  it("refuses a missing, different or malformed token", () => {
    expect(csrfPasses(undefined, token)).toBe(false);
    expect(csrfPasses(`csrftoken=${token}`, undefined)).toBe(false);
    expect(csrfPasses(`csrftoken=${token}`, "b".repeat(32))).toBe(false);
    expect(csrfPasses("csrftoken=short", "short")).toBe(false);
    expect(csrfPasses(`csrftoken=${"-".repeat(32)}`, "-".repeat(32))).toBe(false);
  });

  it("mints a script-readable 32-character token", () => {
    const cookie = csrfCookie(true);
    expect(cookie).toMatch(/^csrftoken=[A-Za-z0-9]{32}; Max-Age=31449600; Path=\/; Secure; SameSite=Lax$/);
    expect(cookie).not.toMatch(/HttpOnly/i);
  });
});
