import { Client, type Exchange, getOperationName, makeResult, type Operation, type OperationResult } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { expect, it } from "vitest";
import { filter, makeSubject, map, merge, mergeMap, pipe, share } from "wonka";
import { cacheOptions } from "../graphql/cache.ts";
import { UserProfileDocument } from "../graphql/generated/graphql.ts";
import { presenceCache } from "./presence.cache.ts";
import { watchList, watchPresence } from "./presence.ts";

const profile = (isOnline: boolean, lastActivity: string) => ({
  __typename: "User",
  id: "u2",
  username: "bo",
  nickname: "Bo",
  avatar: "/bo.png",
  elo: 1000,
  friendCount: 0,
  joinedAt: "2026-11-01T00:00:00.000Z",
  isOnline,
  lastActivity,
  inGame: false,
  isFriend: false,
  isBlockedByMe: false,
  hasBlockedMe: false,
});

function setUp() {
  let fetched = 0;
  let serverUser = profile(false, "2026-12-01T10:00:00.000Z");
  const events = makeSubject<Record<string, unknown>>();
  const network: Exchange = () => (ops$) => {
    const shared = pipe(ops$, share);
    const answered = pipe(
      shared,
      filter((op: Operation) => op.kind === "query"),
      map((op): OperationResult => {
        fetched += 1;
        if (getOperationName(op.query) !== "UserProfile") throw new Error("unexpected");
        return makeResult(op, { data: { user: serverUser } });
      }),
    );
    const pushed = pipe(
      shared,
      filter((op: Operation) => op.kind === "subscription"),
      mergeMap((op) =>
        pipe(
          events.source,
          map((data): OperationResult => makeResult(op, { data })),
        ),
      ),
    );
    return merge([answered, pushed]);
  };
  const client = new Client({
    url: "http://test/graphql",
    exchanges: [cacheExchange(cacheOptions([presenceCache])), network],
  });
  client.query(UserProfileDocument, { username: "bo" }).subscribe(() => {});
  let ready = 0;
  watchPresence(client, ["bo"], () => {
    ready += 1;
  });
  const read = () => client.readQuery(UserProfileDocument, { username: "bo" })?.data?.user;
  return {
    read,
    push: (event: Record<string, unknown>) => events.next({ presenceEvents: event }),
    fetched: () => fetched,
    ready: () => ready,
    serverNow: (user: ReturnType<typeof profile>) => {
      serverUser = user;
    },
  };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

it("a presence change updates the user everywhere, and applying it twice changes nothing", async () => {
  const t = setUp();
  await tick();
  expect(t.read()?.isOnline).toBe(false);
  const event = {
    __typename: "PresenceChangedEvent",
    at: "2026-12-01T11:00:00.000Z",
    status: "ONLINE",
    user: {
      __typename: "User",
      id: "u2",
      username: "bo",
      isOnline: true,
      lastActivity: "2026-12-01T11:00:00.000Z",
      inGame: false,
    },
  };
  t.push(event);
  const once = t.read();
  expect(once?.isOnline).toBe(true);
  expect(once?.lastActivity).toBe("2026-12-01T11:00:00.000Z");
  t.push(event);
  expect(t.read()).toEqual(once);
  expect(t.fetched()).toBe(1);
});

it("a StreamReadyEvent tells the watcher (which refetches what it shows) and leaves the cache alone", async () => {
  const t = setUp();
  await tick();
  const before = t.read();
  t.push({ __typename: "StreamReadyEvent", at: "2026-12-01T11:30:00.000Z" });
  await tick();
  expect(t.ready()).toBe(1);
  expect(t.read()).toEqual(before);
  expect(t.fetched()).toBe(1);
});

it("builds a bounded, distinct watch list", () => {
  expect(watchList(["bo", "Bo", "ana", ""])).toEqual(["ana", "bo"]);
  expect(watchList(Array.from({ length: 150 }, (_, i) => `u${i}`))).toHaveLength(100);
});
