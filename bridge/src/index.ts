// The legacy /ws/events bridge translates each legacy frame into one of these typed operations.

// The legacy HTTP API (/api/*): mount `legacyHttp({ routes: legacyRoutes, … })` before yoga.
export { type LegacyHttpHandler, type LegacyHttpOptions, legacyHttp } from "./http/router.ts";
export { legacyRoutes } from "./http/routes.ts";
export * from "./operations/generated/graphql.ts";
