import { readable } from "svelte/store";

/** A clock for relative times in the list and on profiles ("5 min ago"), ticking once a minute. */
export const minuteClock = readable(Date.now(), (set) => {
  const timer = setInterval(() => set(Date.now()), 60_000);
  return () => clearInterval(timer);
});
