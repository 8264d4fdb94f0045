// Helpers for test/presence*.test.ts: raw sockets, a presence event queue, the cron endpoint.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { CRON_PATH } from "../src/domains/presence/presence.cron.ts";
import { EventQueue, gql, mode, type TestServer, type TestUser, wsClient } from "./harness.ts";
import { openSocket as rawSocket } from "./sessions.helpers.ts";

export const PRESENCE_EVENTS = `subscription {
  presenceEvents {
    __typename
    ... on PresenceChangedEvent { at status user { id username nickname isOnline lastActivity } }
  }
}`;

/** The same stream with a scope (presence-scopes tests), and what only scoped clients select. */
export const SCOPED_PRESENCE_EVENTS = `subscription($scope: PresenceScope!, $usernames: [String!]) {
  presenceEvents(scope: $scope, usernames: $usernames) {
    __typename
    ... on PresenceChangedEvent { at status user { id username nickname isOnline lastActivity inGame } }
  }
}`;

export interface PresenceScopeArgs {
  scope: "EVERYONE" | "FRIENDS" | "USERS";
  usernames?: string[];
}

export interface PresenceChange {
  at: string;
  status: "ONLINE" | "OFFLINE";
  user: { id: string; username: string; nickname: string; isOnline: boolean; lastActivity: string; inGame?: boolean };
}

/** A user's presenceEvents stream. `next(...users)` skips events about anyone else (other tests, other files). */
export class PresenceWatcher {
  private constructor(
    private readonly queue: EventQueue<{ presenceEvents: PresenceChange & { __typename: string } }>,
    readonly close: () => Promise<void>,
  ) {}

  /** Without `scope`, the legacy document (no arguments). */
  static async start(server: { wsUrl: string }, viewer: TestUser, scope?: PresenceScopeArgs): Promise<PresenceWatcher> {
    const client = wsClient(server, viewer);
    const queue = new EventQueue<{ presenceEvents: PresenceChange & { __typename: string } }>(
      client,
      scope ? SCOPED_PRESENCE_EVENTS : PRESENCE_EVENTS,
      scope ? { ...scope } : {},
    );
    const first = await queue.next();
    if (first.presenceEvents.__typename !== "StreamReadyEvent") {
      throw new Error(`expected StreamReadyEvent first, got ${JSON.stringify(first)}`);
    }
    return new PresenceWatcher(queue, async () => {
      queue.dispose();
      await client.dispose();
    });
  }

  /** The next change about one of `users`. */
  async next(...users: TestUser[]): Promise<PresenceChange> {
    const ids = new Set(users.map((user) => user.id));
    for (;;) {
      const { presenceEvents: event } = await this.queue.next(10_000);
      if (event.__typename === "PresenceChangedEvent" && ids.has(event.user.id)) return event;
    }
  }

  /** The next change, whoever it is about. */
  async nextChange(): Promise<PresenceChange> {
    const { presenceEvents: event } = await this.queue.next(10_000);
    return event;
  }
}

export interface OpenSocket {
  /** Closes from the client side and resolves once the socket is closed. */
  close(): Promise<void>;
  closed: Promise<number>;
}

/** A bare graphql-ws connection (no operation): what an idle open tab is. Resolves once acknowledged. */
export async function openSocket(server: { wsUrl: string }, user: TestUser): Promise<OpenSocket> {
  const socket = rawSocket(server, user.token);
  const accepted = await socket.accepted;
  if (accepted !== "ack") throw new Error(`socket closed before the ack (${accepted})`);
  return {
    closed: socket.closed,
    close: async () => {
      socket.close(1000);
      await socket.closed;
    },
  };
}

const PRESENCE_OF = `query($u: String!) { user(username: $u) { isOnline lastActivity } }`;

/** `who` as `viewer` sees them, over HTTP (the viewer's request is activity of the viewer's, not of `who`). */
export async function presenceOf(server: { url: string }, viewer: TestUser, who: TestUser) {
  const result = await gql(server, PRESENCE_OF, { u: who.username }, viewer);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.user as { isOnline: boolean; lastActivity: string };
}

/** DELETE the cron endpoint; `authorization` as given (undefined: no header). */
export async function callCron(server: { url: string }, authorization?: string, method = "DELETE") {
  const response = await fetch(new URL(CRON_PATH, server.url), {
    method,
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.status, body: await response.json() };
}

/** Redis keys of one test file's instances live under their own prefix, so sweeps never touch another file's. */
export function testKeyPrefix(): string {
  return `parley-test-${randomBytes(4).toString("hex")}:`;
}

/** Shared mode: deletes every key under `prefix`. */
export async function clearKeys(prefix: string): Promise<void> {
  if (mode !== "shared" || !process.env.REDIS_URL) return;
  const redis = new Redis(process.env.REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}

/** Waits until `server` has handled every socket close and activity so far, and published what followed. */
export async function settled(...servers: TestServer[]): Promise<void> {
  for (const server of servers) await server.app.services.presence.settled();
}
