import { readable } from "svelte/store";

/** Whether the page is visible: read state advances only then. */
export const pageVisible = readable(document.visibilityState === "visible", (set) => {
  const update = () => set(document.visibilityState === "visible");
  document.addEventListener("visibilitychange", update);
  return () => document.removeEventListener("visibilitychange", update);
});
