import { Client, fetchExchange, gql, mapExchange, type Operation } from "@urql/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCatchUp, isStreamReady, refetchExchange } from "./reconnect.ts";

describe("createCatchUp", () => {
  afterEach(() => vi.useRealTimers());

  it("catches up once every stream open at the reconnect is ready, once per reconnect", () => {
    const caughtUp = vi.fn();
    const catchUp = createCatchUp(caughtUp);
    catchUp.opened(1);
    catchUp.opened(2);
    catchUp.ready(1); // the first connect's ready events do nothing
    catchUp.reconnected();
    catchUp.ready(1);
    catchUp.ready(1);
    expect(caughtUp).not.toHaveBeenCalled();
    catchUp.ready(2);
    expect(caughtUp).toHaveBeenCalledTimes(1);
    catchUp.ready(2);
    expect(caughtUp).toHaveBeenCalledTimes(1);
  });

  it("does not wait for a stream that ended, nor longer than the timeout, nor at all without streams", () => {
    vi.useFakeTimers();
    const caughtUp = vi.fn();
    const catchUp = createCatchUp(caughtUp, 1000);
    catchUp.reconnected();
    expect(caughtUp).toHaveBeenCalledTimes(1);
    catchUp.opened(1);
    catchUp.opened(2);
    catchUp.reconnected();
    catchUp.closed(1);
    expect(caughtUp).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(caughtUp).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(caughtUp).toHaveBeenCalledTimes(2);
    catchUp.ready(2);
    catchUp.closed(2);
    expect(caughtUp).toHaveBeenCalledTimes(2);
  });
});

it("recognises a StreamReadyEvent by its __typename", () => {
  expect(isStreamReady({ chatEvents: { __typename: "StreamReadyEvent", at: "2026-12-01T00:00:00Z" } })).toBe(true);
  expect(isStreamReady({ chatEvents: { __typename: "MessageSentEvent" } })).toBe(false);
  expect(isStreamReady(null)).toBe(false);
  expect(isStreamReady({ chatEvents: null })).toBe(false);
});

describe("refetchExchange", () => {
  const Query = gql`
    query Chats($page: Int) {
      chats(page: $page)
    }
  `;
  function setup() {
    let refetch = () => {};
    const sent: Operation[] = [];
    // the network: a fetch that answers every query from a fixture; `sent` is what reached it
    const fetch = async () => Response.json({ data: { chats: sent.length } });
    const client = new Client({
      url: "http://parley.test/graphql",
      fetch,
      exchanges: [
        refetchExchange((fn) => {
          refetch = fn;
        }),
        mapExchange({ onOperation: (operation) => void sent.push(operation) }),
        fetchExchange,
      ],
    });
    return { client, sent, refetch: () => refetch() };
  }

  it("executes the active queries again, network-only, and not those torn down", async () => {
    const { client, sent, refetch } = setup();
    const results: unknown[] = [];
    const one = client.query(Query, { page: 1 }).subscribe((result) => results.push(result.data));
    const two = client.query(Query, { page: 2 }).subscribe(() => {});
    await vi.waitFor(() => expect(results).toHaveLength(1)); // (a query still in flight is not sent twice)
    expect(sent).toHaveLength(2);
    two.unsubscribe();
    refetch();
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    const again = sent[2];
    expect(again?.variables).toEqual({ page: 1 });
    expect(again?.context.requestPolicy).toBe("network-only");
    await vi.waitFor(() => expect(results).toContainEqual({ chats: 3 }));
    one.unsubscribe();
    refetch();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toHaveLength(3);
  });
});
