import { EnvelopArmor } from "@escape.tech/graphql-armor";
import type { GraphQLError, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ParleyError } from "./errors.ts";

/** Document limits, checked at parse and validation on every transport (HTTP, graphql-ws, the bridge). */
export interface GraphqlLimits {
  /** nesting of fields, inline fragments and fragment spreads */
  maxDepth: number;
  /** armor's cost: 2 per object, 1 per scalar, ×1.5 per level, × a literal `first:` */
  maxCost: number;
  maxAliases: number;
  /** lexical tokens in the document, counted while parsing: bounds the work done on any request */
  maxTokens: number;
  maxDirectives: number;
}

/**
 * The deepest field path in this schema is 6 (`chats { nodes { messages { nodes { sender { username } } } } }`);
 * 10 leaves room for fragments, which count as a level each. A full page of 100 chats or 100 messages with every
 * field costs about 11,000 (the web app's chat list, with variables, costs 64); nested literal pages
 * (`chats(first: 100) { nodes { messages(first: 100) … } }`) cost about 390,000. No client document aliases or
 * uses directives today, and GraphiQL's introspection query (whose `__schema` armor exempts from depth and cost)
 * is under 200 tokens.
 */
export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = {
  maxDepth: 10,
  maxCost: 20_000,
  maxAliases: 15,
  maxTokens: 1_000,
  maxDirectives: 20,
};

/** Armor's messages start with "Syntax Error: "; these documents parse fine, they are only too big. */
const refusal = (error: Error, limit: string) =>
  new ParleyError("BAD_USER_INPUT", error.message.replace(/^Syntax Error: /, ""), { limit });

/**
 * Validation limits report a BAD_USER_INPUT error (validation then fails with it, as with any invalid document)
 * instead of throwing out of validate(), which graphql-ws would answer by closing the socket with 4500.
 */
function report(limit: string) {
  const onReject = [
    (context: ValidationContext | null, error: GraphQLError) => context?.reportError(refusal(error, limit)),
  ];
  return { onReject, propagateOnRejection: false };
}

/**
 * graphql-armor as envelop plugins: onParse (tokens) and onValidate (the rest), so they run wherever yoga's
 * envelop parses and validates, graphql-ws included (ws.ts calls enveloped.parse and validate).
 */
export function armorPlugins(limits: GraphqlLimits): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, ...report("maxDepth") },
    costLimit: { maxCost: limits.maxCost, ...report("maxCost") },
    maxAliases: { n: limits.maxAliases, ...report("maxAliases") },
    maxDirectives: { n: limits.maxDirectives, ...report("maxDirectives") },
    // Counted while parsing: there is no validation context to report to, so the refusal is thrown.
    maxTokens: {
      n: limits.maxTokens,
      onReject: [
        (_: unknown, error: GraphQLError) => {
          throw refusal(error, "maxTokens");
        },
      ],
    },
    // Introspection is open (GraphiQL is served), so hiding "Did you mean …" hints would hide nothing.
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().plugins as Plugin[];
}
