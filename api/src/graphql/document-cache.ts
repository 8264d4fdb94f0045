import type { DocumentNode, GraphQLSchema, Token, ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";

/**
 * Tokens of the cached documents together. A parsed document keeps every token (about 300 bytes each with its
 * AST), so this is about 15 MB: hundreds of the web app's documents (50–150 tokens each), or 50 documents at
 * GRAPHQL_MAX_TOKENS. yoga's own cache holds 1,024 documents whatever their size (up to 300 MB), and invalid ones
 * too, with their errors, whose stack frames keep the whole validation context alive.
 */
const MAX_CACHED_TOKENS = 50_000;

interface Validated {
  document: DocumentNode;
  schema: GraphQLSchema;
  rules: string;
}

/**
 * Parse and validation results by source text, for documents that passed validation only: clients repeat their
 * valid documents, while invalid ones (typos, fuzzers, attackers) would only fill the cache. Replaces yoga's
 * `parserAndValidationCache`; runs after armor's plugins, whose rules it sees.
 */
export function documentCache(maxTokens = MAX_CACHED_TOKENS): Plugin {
  const cache = new LRUCache<string, Validated>({
    max: 1024,
    maxSize: maxTokens,
    sizeCalculation: ({ document }) => tokenCount(document),
  });
  /** source text of a document handed out by parse, until it is validated */
  const sources = new WeakMap<DocumentNode, string>();
  return {
    onParse({ params, setParsedDocument }) {
      const source = typeof params.source === "string" ? params.source : params.source.body;
      const cached = cache.get(source);
      if (cached) {
        sources.set(cached.document, source);
        return setParsedDocument(cached.document);
      }
      return ({ result }) => {
        if (result && !(result instanceof Error)) sources.set(result, source);
      };
    },
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      const source = sources.get(documentAST);
      if (source === undefined) return;
      const key = rulesKey(rules);
      const cached = cache.peek(source);
      if (cached && cached.document === documentAST && cached.schema === schema && cached.rules === key)
        return setResult([]);
      return ({ valid }) => {
        if (valid) cache.set(source, { document: documentAST, schema, rules: key });
      };
    },
  };
}

const rulesKey = (rules: readonly ValidationRule[] | undefined) => (rules ?? []).map((rule) => rule.name).join(",");

/** Lexical tokens the document keeps (its locations link them all); 1 without locations. */
function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) count++;
  return Math.max(count, 1);
}
