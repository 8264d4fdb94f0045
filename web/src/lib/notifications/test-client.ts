// For unit tests: a real urql Client with graphcache, whose network is fixtures. Queries and mutations are
// answered by `answer(operation)`; subscription events are pushed with `emit(data)`.
import { Client, type Operation, subscriptionExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import type { DocumentNode } from "graphql";
import type { DomainCache } from "../graphql/cache.ts";
import { cacheOptions } from "../graphql/cache.ts";

interface Sink {
  next(value: { data?: unknown }): void;
  complete(): void;
}

export interface TestClient {
  client: Client;
  /** Pushes one event to every open subscription. */
  emit(data: Record<string, unknown>): void;
  /** The operations that reached the network, by operation name. */
  sent: string[];
}

const nameOf = (query: DocumentNode) => {
  for (const definition of query.definitions) {
    if (definition.kind === "OperationDefinition") return definition.name?.value ?? "";
  }
  return "";
};

export function testClient(
  parts: readonly DomainCache[],
  answer: (operation: Operation) => Record<string, unknown> | undefined,
): TestClient {
  const subscribers = new Set<Sink>();
  const sent: string[] = [];
  const client = new Client({
    url: "http://fixtures.test/graphql",
    exchanges: [
      cacheExchange(cacheOptions(parts)),
      subscriptionExchange({
        enableAllOperations: true,
        forwardSubscription: (_request, operation) => ({
          subscribe(sink: Sink) {
            sent.push(nameOf(operation.query));
            if (operation.kind === "subscription") {
              subscribers.add(sink);
            } else {
              queueMicrotask(() => {
                sink.next({ data: answer(operation) ?? null });
                sink.complete();
              });
            }
            return { unsubscribe: () => subscribers.delete(sink) };
          },
        }),
      }),
    ],
  });
  return {
    client,
    sent,
    emit(data) {
      for (const sink of subscribers) sink.next({ data });
    },
  };
}

/** Waits for pending microtasks (fixture answers) and the cache's updates to settle. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
