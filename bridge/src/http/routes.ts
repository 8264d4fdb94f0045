import { routes as accounts } from "../actions/accounts.http.ts";
import { routes as users } from "../actions/users.http.ts";
import type { Route } from "./route.ts";

/** Every legacy endpoint (protocol §8), one table per domain: add yours as one line. */
export const legacyRoutes: readonly Route[] = [...accounts, ...users];
