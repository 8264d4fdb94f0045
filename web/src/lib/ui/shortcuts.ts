import { writable } from "svelte/store";

/**
 * App-wide keyboard shortcuts. A key is written like `?`, `/`, `r`, `Escape`, `Alt+ArrowDown`, `Ctrl+K`
 * or `Mod+K` (Ctrl, or ⌘ on a Mac). Modifiers: Ctrl, Alt, Shift, Meta, Mod. Shift is implied by the
 * character for printable keys (`?` is Shift+/ on most layouts), so only write it for named keys.
 * Shortcuts never fire while typing in an input, textarea, select or editable element, except Escape,
 * and never while a modal dialog is open (the dialog owns the keyboard), except Escape.
 */
export interface Shortcut {
  key: string;
  description: string;
}

/** Return `false` to let an earlier registration of the same key handle it instead. */
export type ShortcutHandler = (event: ShortcutEvent) => unknown;

interface Registration extends Shortcut {
  id: number;
  spec: KeySpec;
  handler: ShortcutHandler;
}

interface KeySpec {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
  mod: boolean;
}

/** The parts of a KeyboardEvent the matcher reads (plain objects in the unit tests). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export function parseKey(key: string): KeySpec {
  // the key itself may be "+" ("Ctrl++"): split on "+" that follows something
  const parts = key === "+" ? ["+"] : key.split(/(?<=.)\+/);
  const main = parts.pop() ?? "";
  const mods = new Set(parts.map((part) => part.toLowerCase()));
  for (const mod of mods) {
    if (!["ctrl", "alt", "shift", "meta", "mod"].includes(mod)) throw new Error(`Unknown modifier ${mod} in ${key}`);
  }
  return {
    key: main.length === 1 ? main.toLowerCase() : main,
    ctrl: mods.has("ctrl"),
    alt: mods.has("alt"),
    shift: mods.has("shift"),
    meta: mods.has("meta"),
    mod: mods.has("mod"),
  };
}

export function matchesKey(spec: KeySpec, event: KeyLike): boolean {
  const printable = event.key.length === 1;
  const key = printable ? event.key.toLowerCase() : event.key;
  if (key !== spec.key) return false;
  if (spec.mod) {
    if (!(event.ctrlKey || event.metaKey)) return false;
  } else if (event.ctrlKey !== spec.ctrl || event.metaKey !== spec.meta) return false;
  if (event.altKey !== spec.alt) return false;
  // a printable key's character already says whether Shift was down ("?" vs "/")
  if (!printable && event.shiftKey !== spec.shift) return false;
  if (printable && spec.shift && !event.shiftKey) return false;
  return true;
}

/** An element the user types into: shortcuts stay out of its way. */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== "object") return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === "string" ? element.tagName.toUpperCase() : "";
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  // buttons and checkboxes take no text: shortcuts still work there
  const type = typeof element.type === "string" ? element.type.toLowerCase() : "text";
  return !["button", "submit", "reset", "checkbox", "radio", "range", "color", "file", "image"].includes(type);
}

const registrations: Registration[] = [];
const listed = writable<Shortcut[]>([]);
/** What the help dialog shows: one entry per key, the latest description. */
export const shortcuts = { subscribe: listed.subscribe };
let nextId = 1;

function publish() {
  const byKey = new Map<string, Shortcut>();
  for (const one of registrations) byKey.set(one.key, { key: one.key, description: one.description });
  listed.set([...byKey.values()]);
}

/**
 * Registers `handler` for `key`; returns how to unregister (call it from a component's cleanup).
 * The latest registration of a key is tried first, so a page can take over a key while it is shown.
 */
export function registerShortcut(key: string, description: string, handler: ShortcutHandler): () => void {
  const registration: Registration = { id: nextId++, key, description, spec: parseKey(key), handler };
  registrations.push(registration);
  publish();
  return () => {
    const index = registrations.findIndex((one) => one.id === registration.id);
    if (index >= 0) registrations.splice(index, 1);
    publish();
  };
}

/** The parts of a keydown event the dispatcher uses (a KeyboardEvent is one). */
export interface ShortcutEvent extends KeyLike {
  target: unknown;
  defaultPrevented: boolean;
  isComposing: boolean;
  preventDefault(): void;
}

export interface DispatchContext {
  /** a modal dialog is open */
  modalOpen?: boolean;
}

/** Runs the matching shortcut for a keydown; true when one handled it (and the event's default was prevented). */
export function dispatchShortcut(event: ShortcutEvent, context: DispatchContext = {}): boolean {
  if (event.defaultPrevented || event.isComposing) return false;
  const isEscape = event.key === "Escape";
  if (!isEscape && (isTypingTarget(event.target) || context.modalOpen)) return false;
  for (let i = registrations.length - 1; i >= 0; i--) {
    const one = registrations[i];
    if (!one || !matchesKey(one.spec, event)) continue;
    if (one.handler(event) === false) continue;
    event.preventDefault();
    return true;
  }
  return false;
}

/** Listens on `target` (the window); returns how to stop. The layout installs it once. */
export function installShortcuts(target: Window): () => void {
  const listener = (event: KeyboardEvent) => {
    dispatchShortcut(event, { modalOpen: target.document.querySelector("dialog[open]:modal") !== null });
  };
  target.addEventListener("keydown", listener);
  return () => target.removeEventListener("keydown", listener);
}

/** How a key is shown to people: `Alt+ArrowDown` → `Alt + ↓`. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    ArrowDown: "↓",
    ArrowUp: "↑",
    ArrowLeft: "←",
    ArrowRight: "→",
    Escape: "Esc",
    Mod: typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl",
  };
  const parts = key === "+" ? ["+"] : key.split(/(?<=.)\+/);
  return parts.map((part) => names[part] ?? part).join(" + ");
}
