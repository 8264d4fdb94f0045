// The legacy bridge: its mount (createBridge), the executor contract and the shared graphql-ws client.
export type { ActionContext, ActionTable, Domain, LiveFeed, SocketAction } from "./actions/action.ts";
export { connectApiSocket, jsonQuery, type MessagePipe } from "./api-client.ts";
export { type Bridge, type BridgeOptions, createBridge } from "./bridge.ts";
export type * from "./executor.ts";
export { httpOrigin } from "./executor.ts";
// The legacy HTTP API (/api/*) and the legacy SPA build (LEGACY_WEB_DIR)
export { type LegacyHttpHandler, type LegacyHttpOptions, legacyHttp } from "./http/router.ts";
export { legacyRoutes } from "./http/routes.ts";
export { staticSite } from "./http/static-site.ts";
export * from "./operations/generated/graphql.ts";
