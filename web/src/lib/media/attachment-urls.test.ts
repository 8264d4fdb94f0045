import { describe, expect, it } from "vitest";
import { cursorBefore, isExpired, urlExpiresAt } from "./attachment-urls.ts";

describe("signed URL expiry", () => {
  it("reads Parley's own exp (epoch seconds), root-relative", () => {
    expect(urlExpiresAt("/media/file/abc?disposition=inline&exp=1700000000&sig=x")).toBe(1_700_000_000_000);
  });
  it("reads S3's X-Amz-Date + X-Amz-Expires", () => {
    const url = "https://s3.example/b/k?X-Amz-Date=20261201T120000Z&X-Amz-Expires=300&X-Amz-Signature=s";
    expect(urlExpiresAt(url)).toBe(Date.UTC(2026, 11, 1, 12, 5, 0));
  });
  it("knows nothing of unsigned URLs", () => {
    expect(urlExpiresAt("https://example.com/a.png")).toBeNull();
    expect(isExpired("https://example.com/a.png")).toBe(false);
  });
  it("counts a URL about to expire as expired", () => {
    const url = "/media/file/abc?exp=1000";
    expect(isExpired(url, 990_000)).toBe(false);
    expect(isExpired(url, 996_000)).toBe(true);
  });
});

it("finds the cursor just before a message", () => {
  expect(cursorBefore("42")).toBe("41");
  expect(cursorBefore("1")).toBe("0");
  expect(cursorBefore("0")).toBeNull();
  expect(cursorBefore("abc")).toBeNull();
});
