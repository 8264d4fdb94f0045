import type { Domain } from "./action.ts";
import { chat } from "./chat.ts";
import { duels } from "./duels.ts";
import { notifications } from "./notifications.ts";

/** Every domain of the legacy socket: one line per domain table. */
export const domains: Domain[] = [chat, duels, notifications];
