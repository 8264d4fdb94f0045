import { EnvelopArmor } from "@escape.tech/graphql-armor";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import {
  type ArgumentNode,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  type IntValueNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  TypeInfo,
  type ValidationContext,
  type ValueNode,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { ParleyError } from "./errors.ts";
import { MAX_PAGE_SIZE } from "./pagination.ts";

/** Document limits, checked at parse and validation on every transport (HTTP, graphql-ws, the bridge). */
export interface GraphqlLimits {
  /** nesting of fields, inline fragments and fragment spreads */
  maxDepth: number;
  /** armor's cost: 2 per object, 1 per scalar, ×1.5 per level of fields, × each page's `first` (see pagedDocument) */
  maxCost: number;
  maxAliases: number;
  /** lexical tokens in the document, counted while parsing: bounds the work done on any request */
  maxTokens: number;
  maxDirectives: number;
}

/**
 * The deepest field path in this schema is 6 (`chats { nodes { messages { nodes { sender { username } } } } }`);
 * 10 leaves room for fragments, which count as a level each for depth (not for cost). The web app's largest
 * pages cost about 26,000 (100 messages with reactions, attachments and receipts) and 23,000 (100 chats with
 * their last message); nested pages (`chats(first: 100) { nodes { messages(first: 100) … } }`) cost about
 * 390,000. No client document aliases or
 * uses directives today, and GraphiQL's introspection query (whose `__schema` armor exempts from depth and cost)
 * is under 200 tokens.
 */
export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = {
  maxDepth: 10,
  maxCost: 30_000,
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
 * graphql-armor as envelop plugins: onParse (tokens) and onValidate (depth, aliases, directives), so they run
 * wherever yoga's envelop parses and validates, graphql-ws included (ws.ts calls enveloped.parse and validate).
 * The cost depends on variables (`messages(first: $n)`), known only when the operation runs: it is checked in
 * onExecute and onSubscribe, which every transport goes through too, before any resolver.
 */
export function armorPlugins(limits: GraphqlLimits): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, ...report("maxDepth") },
    costLimit: { enabled: false },
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
  return [...(armor.protect().plugins as Plugin[]), costPlugin(limits.maxCost)];
}

function costPlugin(maxCost: number): Plugin {
  const refusalOf = costCheck(maxCost);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusalOf(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusalOf(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

type CostArgs = Pick<ExecutionArgs, "schema" | "document" | "variableValues" | "operationName">;

/**
 * armor's cost of the operation that runs, with every page counted at its size: BAD_USER_INPUT when over
 * `maxCost`. Undefined when within it, or when the operation or its variables are invalid (execution reports it).
 * An operation whose pages take no variable always costs the same: its verdict is kept with it (yoga caches
 * parsed documents, so a sendMessage pays a lookup).
 */
export function costCheck(maxCost: number): (args: CostArgs) => GraphQLError | undefined {
  const fixed = new WeakMap<OperationDefinitionNode, { refused: GraphQLError | undefined }>();
  return (args) => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return undefined;
    const known = fixed.get(operation);
    if (known) return known.refused;
    const definitions = operation.variableDefinitions ?? [];
    const variables = getVariableValues(args.schema, definitions, args.variableValues ?? {}, { maxErrors: 1 });
    if (!variables.coerced) return undefined;
    let refused: GraphQLError | undefined;
    const rule = costLimitRule({
      maxCost,
      propagateOnRejection: false,
      onReject: [(_context: unknown, error: GraphQLError) => (refused = refusal(error, "maxCost"))],
    });
    const paged = pagedDocument(args.schema, args.document, operation, variables.coerced);
    validate(args.schema, paged.document, [rule]);
    if (!paged.variablePages) fixed.set(operation, { refused });
    return refused;
  };
}

/**
 * The operation (and the fragments) with every `first:` argument as the literal armor multiplies by: a variable at
 * its runtime value; an omitted or null `first`, at the largest page the server may return (every default is
 * smaller). Other operations of the document are left out: only the one that runs counts.
 */
function pagedDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { document: DocumentNode; variablePages: boolean } {
  const definitions = document.definitions.filter(
    (definition) => definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  const typeInfo = new TypeInfo(schema);
  let variablePages = false;
  const paged = visit(
    { ...document, definitions },
    visitWithTypeInfo(typeInfo, {
      Field(node): FieldNode | undefined {
        if (!typeInfo.getFieldDef()?.args.some((arg) => arg.name === "first")) return undefined;
        const others = (node.arguments ?? []).filter((arg) => arg.name.value !== "first");
        const given = node.arguments?.find((arg) => arg.name.value === "first")?.value;
        variablePages ||= given?.kind === Kind.VARIABLE;
        const first: ArgumentNode = {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: "first" },
          value: pageSize(given, variables),
        };
        return { ...node, arguments: [...others, first] };
      },
    }),
  );
  return { document: flattened(paged), variablePages };
}

/**
 * The operation with every fragment's fields in place: a fragment names a selection, it is not a level of nesting,
 * so it must not cost armor's ×1.5 per level. Union and interface branches merge (their costs add up: an upper
 * bound). Validation has already refused fragment cycles; `seen` only keeps this finite whatever it is given.
 */
function flattened(document: DocumentNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const flat = (set: SelectionSetNode, seen: ReadonlySet<string>): SelectionSetNode => ({
    ...set,
    selections: set.selections.flatMap((selection): readonly SelectionNode[] => {
      if (selection.kind === Kind.INLINE_FRAGMENT) return flat(selection.selectionSet, seen).selections;
      if (selection.kind === Kind.FIELD) {
        return [
          selection.selectionSet ? { ...selection, selectionSet: flat(selection.selectionSet, seen) } : selection,
        ];
      }
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return [];
      return flat(fragment.selectionSet, new Set([...seen, fragment.name.value])).selections;
    }),
  });
  const definitions = document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION
      ? [{ ...definition, selectionSet: flat(definition.selectionSet, new Set()) }]
      : [],
  );
  return { ...document, definitions };
}

function pageSize(value: ValueNode | undefined, variables: Record<string, unknown>): IntValueNode {
  if (value?.kind === Kind.INT) return value;
  const runtime = value?.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
  const size = typeof runtime === "number" && Number.isInteger(runtime) ? runtime : MAX_PAGE_SIZE;
  return { kind: Kind.INT, value: String(size) };
}
