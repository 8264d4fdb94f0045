import { Client, type Exchange, makeResult, type Operation, type OperationResult } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { expect, it } from "vitest";
import { filter, fromPromise, makeSubject, map, merge, mergeMap, pipe, share } from "wonka";
import { cacheOptions } from "../graphql/cache.ts";
import { UserProfileDocument } from "../graphql/generated/graphql.ts";
import { presenceFreshnessExchange } from "./freshness.ts";
import { presenceCache } from "./presence.cache.ts";
import { watchPresence } from "./presence.ts";

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

const offline = {
  __typename: "PresenceChangedEvent",
  at: "2026-12-01T11:00:05.000Z",
  status: "OFFLINE",
  user: {
    __typename: "User",
    id: "u2",
    username: "bo",
    isOnline: false,
    lastActivity: "2026-12-01T11:00:00.000Z",
    inGame: false,
  },
};

/** A network whose query answers wait until `release()`: they were read on the server when the query was sent. */
function setUp(withFreshness: boolean) {
  const events = makeSubject<Record<string, unknown>>();
  const held: (() => void)[] = [];
  let serverUser = profile(true, "2026-12-01T11:00:00.000Z");
  const network: Exchange = () => (ops$) => {
    const shared = pipe(ops$, share);
    const answered = pipe(
      shared,
      filter((op: Operation) => op.kind === "query"),
      mergeMap((op) => {
        const answer = makeResult(op, { data: { user: serverUser } });
        return fromPromise(new Promise<OperationResult>((resolve) => held.push(() => resolve(answer))));
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
    exchanges: [
      cacheExchange(cacheOptions([presenceCache])),
      ...(withFreshness ? [presenceFreshnessExchange()] : []),
      network,
    ],
  });
  watchPresence(client, ["bo"]);
  return {
    load: () =>
      client.query(UserProfileDocument, { username: "bo" }, { requestPolicy: "network-only" }).subscribe(() => {}),
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    push: (event: Record<string, unknown>) => events.next({ presenceEvents: event }),
    read: () => client.readQuery(UserProfileDocument, { username: "bo" })?.data?.user,
    serverNow: (user: ReturnType<typeof profile>) => {
      serverUser = user;
    },
  };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

it("an answer read before an OFFLINE event that lands after it keeps the user offline", async () => {
  const t = setUp(true);
  t.load(); // the server reads Bo online…
  await tick();
  t.push(offline); // …he closes his tab…
  t.release(); // …and the answer arrives after the event
  await tick();
  expect(t.read()?.isOnline).toBe(false);
  expect(t.read()?.lastActivity).toBe("2026-12-01T11:00:00.000Z");
  // the other fields of the answer are written as they came
  expect(t.read()?.nickname).toBe("Bo");
});

it("without it, the late answer would put him back online for good", async () => {
  const t = setUp(false);
  t.load();
  await tick();
  t.push(offline);
  t.release();
  await tick();
  expect(t.read()?.isOnline).toBe(true);
});

it("an answer to a request sent after the event is newer and wins", async () => {
  const t = setUp(true);
  t.push(offline);
  t.serverNow(profile(true, "2026-12-01T11:05:00.000Z")); // back online since
  t.load();
  await tick();
  t.release();
  await tick();
  expect(t.read()?.isOnline).toBe(true);
  expect(t.read()?.lastActivity).toBe("2026-12-01T11:05:00.000Z");
});
