import type { Domain } from "./action.ts";
import { chat } from "./chat.ts";

/** Every domain of the legacy socket: one line per domain table. */
export const domains: Domain[] = [chat];
