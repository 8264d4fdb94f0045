import { Client, type Exchange, gql, makeResult, type Operation, type OperationResult } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { filter, makeSubject, map, merge, mergeMap, pipe, share } from "wonka";
import { cacheOptions, type DomainCache } from "../graphql/cache.ts";
import { ConversationMessageFragmentDoc } from "../graphql/generated/graphql.ts";
import { chatReadBy, conversationRemoved, conversationTouched, type TouchingMessage } from "./conversations.cache.ts";

/**
 * Unit tests of the list's cache functions: a real urql Client with graphcache, and an exchange that stands in
 * for the network (queries and mutations answered from fixtures, subscription events pushed by the test).
 */
export type Answer = (operation: Operation) => Record<string, unknown>;

/** A stand-in for the chat domain's single chatEvents updater, calling the list's functions as it will. */
export const chatEventsForTests: DomainCache = {
  updates: {
    Subscription: {
      chatEvents: (result, _args, cache) => {
        const event = result.chatEvents as
          | { __typename: "MessageSentEvent"; chatId: string; message: TouchingMessage }
          | { __typename: "GroupDeletedEvent"; chatId: string }
          | { __typename: "ChatReadEvent"; chatId: string; byUserId: string };
        if (event.__typename === "MessageSentEvent") conversationTouched(cache, event.chatId, event.message);
        if (event.__typename === "GroupDeletedEvent") conversationRemoved(cache, event.chatId);
        if (event.__typename === "ChatReadEvent") chatReadBy(cache, event.chatId, event.byUserId);
      },
    },
  },
};

export const ChatEventsTestDocument = gql`
  subscription ChatEventsTest {
    chatEvents {
      __typename
      ... on MessageSentEvent {
        chatId
        message {
          ...ConversationMessage
        }
      }
      ... on GroupDeletedEvent {
        chatId
      }
      ... on ChatReadEvent {
        chatId
        byUserId
      }
    }
  }
  ${ConversationMessageFragmentDoc}
`;

export function testClient(parts: DomainCache[], answer: Answer) {
  const events = makeSubject<Record<string, unknown>>();
  const sent: Operation[] = [];
  let subscription: Operation | undefined;
  const network: Exchange = () => (ops$) => {
    const shared = pipe(ops$, share);
    const answered = pipe(
      shared,
      filter((op) => op.kind === "query" || op.kind === "mutation"),
      map((op): OperationResult => {
        sent.push(op);
        return makeResult(op, { data: answer(op) });
      }),
    );
    const pushed = pipe(
      shared,
      filter((op) => op.kind === "subscription"),
      mergeMap((op) => {
        subscription = op;
        return pipe(
          events.source,
          map((data): OperationResult => makeResult(op, { data })),
        );
      }),
    );
    return merge([answered, pushed]);
  };
  const client = new Client({
    url: "http://test/graphql",
    exchanges: [cacheExchange({ ...cacheOptions(parts) }), network],
  });
  client.subscription(ChatEventsTestDocument, {}).subscribe(() => {});
  return {
    client,
    sent,
    /** Pushes one chatEvents event through the cache, as the socket would. */
    push(event: Record<string, unknown>) {
      if (!subscription) throw new Error("no subscription yet");
      events.next({ chatEvents: event });
    },
  };
}
