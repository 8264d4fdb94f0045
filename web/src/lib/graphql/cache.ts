import type {
  CacheExchangeOpts,
  KeyingConfig,
  OptimisticMutationConfig,
  Resolver,
  ResolverConfig,
  UpdateResolver,
} from "@urql/exchange-graphcache";
import schema from "./generated/introspection.ts";

/**
 * One domain's part of the cache: its updaters (one per event type, called from the mutation's own result and
 * from the subscription event alike), resolvers and optimistic results. `domains.ts` lists every domain's part.
 */
export interface DomainCache {
  updates?: { Mutation?: Record<string, UpdateResolver>; Subscription?: Record<string, UpdateResolver> };
  resolvers?: Record<string, Record<string, Resolver>>;
  optimistic?: OptimisticMutationConfig;
}

/** The cache exchange's options: the schema (unions, interfaces, types without ids) and every domain's part. */
export function cacheOptions(parts: readonly DomainCache[]): CacheExchangeOpts {
  const mutations: Record<string, UpdateResolver> = {};
  const subscriptions: Record<string, UpdateResolver> = {};
  const resolvers: Record<string, Record<string, Resolver>> = {};
  const optimistic: OptimisticMutationConfig = {};
  for (const part of parts) {
    mergeOnce(mutations, part.updates?.Mutation, "updater of Mutation");
    mergeOnce(subscriptions, part.updates?.Subscription, "updater of Subscription");
    for (const [type, fields] of Object.entries(part.resolvers ?? {})) {
      resolvers[type] ??= {};
      mergeOnce(resolvers[type], fields, `resolver of ${type}`);
    }
    mergeOnce(optimistic, part.optimistic, "optimistic result");
  }
  const updates = { Mutation: mutations, Subscription: subscriptions };
  return { schema, keys: embeddedTypes(), updates, resolvers: resolvers satisfies ResolverConfig, optimistic };
}

/**
 * Types without an `id` (pages, settings, receipts, events) are values inside their parent, not entities: saying so
 * explicitly keeps graphcache from warning about each one.
 */
function embeddedTypes(): KeyingConfig {
  const roots = new Set(["Query", "Mutation", "Subscription"]);
  const keys: KeyingConfig = {};
  for (const type of schema.__schema.types) {
    if (type.kind !== "OBJECT" || roots.has(type.name) || type.name.startsWith("__")) continue;
    if (!type.fields.some((field) => field.name === "id")) keys[type.name] = () => null;
  }
  return keys;
}

/** Two domains claiming one field would silently drop one's rule: refuse it at start-up instead. */
function mergeOnce<T extends object>(into: T | undefined, from: T | undefined, what: string): void {
  if (!into || !from) return;
  for (const [field, value] of Object.entries(from)) {
    if (field in into) throw new Error(`Two domains define the ${what}.${field}`);
    Object.assign(into, { [field]: value });
  }
}
