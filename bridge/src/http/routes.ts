import { routes as accounts } from "../actions/accounts.http.ts";
import { routes as chat } from "../actions/chat.http.ts";
import { routes as notifications } from "../actions/notifications.http.ts";
import { routes as tournaments } from "../actions/tournaments.http.ts";
import { routes as users } from "../actions/users.http.ts";
import type { Route } from "./route.ts";

/** Every legacy endpoint (protocol §8), one table per domain: add yours as one line. */
export const legacyRoutes: readonly Route[] = [...accounts, ...users, ...chat, ...notifications, ...tournaments];
