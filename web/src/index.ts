// Typed documents of the web app's domains (chat, …), generated from their .graphql files.
export * from "./lib/graphql/generated/graphql.ts";
