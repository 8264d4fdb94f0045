import { afterEach, describe, expect, it } from "vitest";
import { dispatchShortcut, keyLabel, matchesKey, parseKey, registerShortcut, type ShortcutEvent } from "./shortcuts.ts";

function keydown(key: string, extra: Partial<ShortcutEvent> = {}) {
  const event = {
    key,
    ctrlKey: false,
    altKey: false,
    shiftKey: false,
    metaKey: false,
    target: { tagName: "BODY" },
    defaultPrevented: false,
    isComposing: false,
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
    ...extra,
  };
  return event;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function register(key: string, handler: () => boolean | undefined = () => undefined) {
  const calls: string[] = [];
  cleanups.push(
    registerShortcut(key, `test ${key}`, () => {
      calls.push(key);
      return handler();
    }),
  );
  return calls;
}

describe("matchesKey", () => {
  it("matches plain keys case-insensitively, and printable characters whatever Shift produced them", () => {
    expect(matchesKey(parseKey("r"), keydown("r"))).toBe(true);
    expect(matchesKey(parseKey("r"), keydown("R", { shiftKey: true }))).toBe(true);
    expect(matchesKey(parseKey("?"), keydown("?", { shiftKey: true }))).toBe(true);
    expect(matchesKey(parseKey("/"), keydown("?", { shiftKey: true }))).toBe(false);
  });
  it("requires exactly the modifiers written", () => {
    expect(matchesKey(parseKey("Alt+ArrowDown"), keydown("ArrowDown", { altKey: true }))).toBe(true);
    expect(matchesKey(parseKey("Alt+ArrowDown"), keydown("ArrowDown"))).toBe(false);
    expect(matchesKey(parseKey("Alt+ArrowDown"), keydown("ArrowDown", { altKey: true, shiftKey: true }))).toBe(false);
    expect(matchesKey(parseKey("r"), keydown("r", { ctrlKey: true }))).toBe(false);
    expect(matchesKey(parseKey("Ctrl+K"), keydown("k", { ctrlKey: true }))).toBe(true);
    expect(matchesKey(parseKey("Ctrl+K"), keydown("k", { metaKey: true }))).toBe(false);
    expect(matchesKey(parseKey("Mod+K"), keydown("k", { metaKey: true }))).toBe(true);
    expect(matchesKey(parseKey("Mod+K"), keydown("k", { ctrlKey: true }))).toBe(true);
  });
  it("refuses unknown modifiers", () => {
    expect(() => parseKey("Hyper+K")).toThrow(/Hyper/);
  });
});

describe("dispatchShortcut", () => {
  it("runs the handler and prevents the default", () => {
    const calls = register("r");
    const event = keydown("r");
    expect(dispatchShortcut(event)).toBe(true);
    expect(calls).toEqual(["r"]);
    expect(event.prevented).toBe(true);
  });
  it("never fires while typing, except Escape", () => {
    const r = register("r");
    const escapes = register("Escape");
    for (const target of [
      { tagName: "INPUT", type: "text" },
      { tagName: "INPUT", type: "search" },
      { tagName: "TEXTAREA" },
      { tagName: "DIV", isContentEditable: true },
    ]) {
      expect(dispatchShortcut(keydown("r", { target }))).toBe(false);
      expect(dispatchShortcut(keydown("Escape", { target }))).toBe(true);
    }
    expect(r).toEqual([]);
    expect(escapes).toHaveLength(4);
    // a checkbox takes no text
    expect(dispatchShortcut(keydown("r", { target: { tagName: "INPUT", type: "checkbox" } }))).toBe(true);
  });
  it("stays out of a modal dialog's way, except Escape", () => {
    const r = register("r");
    register("Escape");
    expect(dispatchShortcut(keydown("r"), { modalOpen: true })).toBe(false);
    expect(dispatchShortcut(keydown("Escape"), { modalOpen: true })).toBe(true);
    expect(r).toEqual([]);
  });
  it("tries the latest registration first; false passes to the earlier one; unregistering restores it", () => {
    const first = register("/");
    let pass = false;
    const second = register("/", () => (pass ? false : undefined));
    dispatchShortcut(keydown("/"));
    expect([first, second]).toEqual([[], ["/"]]);
    pass = true;
    dispatchShortcut(keydown("/"));
    expect([first, second]).toEqual([["/"], ["/", "/"]]);
    cleanups.pop()?.();
    pass = false;
    dispatchShortcut(keydown("/"));
    expect([first, second]).toEqual([
      ["/", "/"],
      ["/", "/"],
    ]);
  });
  it("ignores events already handled or mid-composition", () => {
    const calls = register("r");
    expect(dispatchShortcut(keydown("r", { defaultPrevented: true }))).toBe(false);
    expect(dispatchShortcut(keydown("r", { isComposing: true }))).toBe(false);
    expect(calls).toEqual([]);
  });
});

it("labels keys for people", () => {
  expect(keyLabel("Alt+ArrowDown")).toBe("Alt + ↓");
  expect(keyLabel("Escape")).toBe("Esc");
  expect(keyLabel("?")).toBe("?");
});
