// The legacy /ws/events bridge translates each legacy frame into one of these typed operations.
export * from "./operations/generated/graphql.ts";
