import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contrast } from "./contrast.ts";

// The theme's colour pairs meet WCAG AA in both themes: 4.5:1 for text, 3:1 for control boundaries.
const css = readFileSync(new URL("../../app.css", import.meta.url), "utf8");
const block = (source: string) =>
  Object.fromEntries([...source.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1] ?? "", m[2] ?? ""]));
const darkStart = css.indexOf("@media (prefers-color-scheme: dark)");
const light = block(css.slice(0, darkStart));
const themes = { light, dark: { ...light, ...block(css.slice(darkStart, css.indexOf("}\n}", darkStart))) } };

const TEXT: Array<[string, string]> = [
  ["fg", "bg"],
  ["fg", "bg-soft"],
  ["fg", "bg-raised"],
  ["fg-muted", "bg"],
  ["fg-muted", "bg-soft"],
  ["fg-muted", "bg-raised"],
  ["accent", "bg"],
  ["accent", "bg-raised"],
  ["accent-fg", "accent"],
  ["fg", "accent-soft"],
  ["danger", "bg"],
  ["danger", "bg-raised"],
  ["bg", "danger"],
  ["success", "bg"],
];
const BOUNDARIES: Array<[string, string]> = [
  ["border-strong", "bg"],
  ["border-strong", "bg-raised"],
  ["focus", "bg"],
  ["focus", "bg-raised"],
];

describe.each(Object.entries(themes))("the %s theme", (_name, colours) => {
  it.each(TEXT)("%s on %s is at least 4.5:1", (fg, bg) => {
    expect(contrast(colours[fg] ?? "", colours[bg] ?? "")).toBeGreaterThanOrEqual(4.5);
  });
  it.each(BOUNDARIES)("%s on %s is at least 3:1", (fg, bg) => {
    expect(contrast(colours[fg] ?? "", colours[bg] ?? "")).toBeGreaterThanOrEqual(3);
  });
});

it("reads both themes from app.css", () => {
  expect(themes.light.bg).toBe("#ffffff");
  expect(themes.dark.bg).toBe("#0f172a");
  expect(themes.dark["border-strong"]).toBe("#94a3b8");
});
