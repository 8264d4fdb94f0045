import type { Route } from "../http/route.ts";

/** Log-in, sign-up, sessions, self, users, friends and blocks (protocol §1.2, §8.4, §8.5). */
export const routes: Route[] = [];
