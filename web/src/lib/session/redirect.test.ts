import { describe, expect, it } from "vitest";
import { isPublicPath, loginHref, safeNext } from "./redirect.ts";

describe("safeNext", () => {
  it("keeps a path of this app with its query and hash", () => {
    expect(safeNext("/chats/abc")).toBe("/chats/abc");
    expect(safeNext("/notifications?filter=UNREAD#x")).toBe("/notifications?filter=UNREAD#x");
  });
  it("refuses other origins and odd paths", () => {
    for (const bad of [
      null,
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "chats",
    ]) {
      expect(safeNext(bad)).toBe("/chats");
    }
  });
  it("never goes back to a public page or the root", () => {
    expect(safeNext("/login")).toBe("/chats");
    expect(safeNext("/signup/")).toBe("/chats");
    expect(safeNext("/")).toBe("/chats");
  });
});

describe("loginHref", () => {
  it("remembers the wanted page", () => {
    expect(loginHref("/chats/x1")).toBe("/login?next=%2Fchats%2Fx1");
    expect(loginHref("/u/ada", "/signup")).toBe("/signup?next=%2Fu%2Fada");
    expect(loginHref("/")).toBe("/login");
    expect(loginHref("/chats")).toBe("/login");
  });
  it("knows the public pages", () => {
    expect(isPublicPath("/login")).toBe(true);
    expect(isPublicPath("/signup")).toBe(true);
    expect(isPublicPath("/chats")).toBe(false);
  });
});
