// Typed documents for the web app and the legacy bridge, generated from the checked-in schema.graphql.
// `npm run codegen` rewrites them; CI fails if the committed output is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const typedDocuments = {
  preset: "client",
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    scalars: { DateTime: "string", ID: "string", JSON: "unknown" },
    strictScalars: true,
  },
} as const;

const config: CodegenConfig = {
  schema: "schema.graphql",
  emitLegacyCommonJSImports: false,
  generates: {
    "web/src/lib/graphql/generated/": { ...typedDocuments, documents: ["web/src/**/*.graphql"] },
    // graphcache's schema awareness: unions, interfaces and types without ids (embedded in their parent)
    "web/src/lib/graphql/generated/introspection.ts": {
      plugins: ["urql-introspection"],
      config: { module: "es2015", useTypeImports: true },
    },
    "bridge/src/operations/generated/": { ...typedDocuments, documents: ["bridge/src/operations/*.graphql"] },
  },
};

export default config;
