import { writable } from "svelte/store";

/** A short notice in the corner: a new friend, a tournament, an invitation and its answer. */
export interface Toast {
  id: number;
  text: string;
  /** where "View" leads, if anywhere */
  href?: string;
}

const TOAST_MS = 6_000;
const shown = writable<Toast[]>([]);
export const toasts = { subscribe: shown.subscribe };
let nextId = 1;

export function toast(text: string, href?: string): void {
  const id = nextId++;
  shown.update((list) => [...list.slice(-4), { id, text, ...(href ? { href } : {}) }]);
  setTimeout(() => dismissToast(id), TOAST_MS);
}

export const dismissToast = (id: number) => shown.update((list) => list.filter((one) => one.id !== id));
