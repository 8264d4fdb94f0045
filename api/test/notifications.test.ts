// Notifications over real HTTP and graphql-ws: NEW_FRIEND delivery, reading, paging, and (at the service level, on
// a database of its own) which notifications the list hides.
import { randomBytes, randomUUID } from "node:crypto";
import { createDb, type Db } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationEventsOf } from "../src/domains/notifications/notifications.events.ts";
import { NotificationsService } from "../src/domains/notifications/notifications.service.ts";
import { publicUserSelect } from "../src/domains/users/users.service.ts";
import { createLogger } from "../src/infra/logger.ts";
import { createEventBus, type EventBus } from "../src/realtime/event-bus.ts";
import {
  clientOf,
  codeOf,
  createTestDatabase,
  EventQueue,
  gql,
  startServer,
  type TestDatabase,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

const NOTIFICATION = "id kind isRead createdAt data invitationId tournamentId actor { username }";
const NOTIFICATIONS = `query($filter: NotificationFilter, $first: Int, $offset: Int) {
  notifications(filter: $filter, first: $first, offset: $offset) {
    totalCount hasNextPage nodes { ${NOTIFICATION} }
  }
}`;
const UNREAD_COUNT = "{ me { unreadNotificationCount } }";
const MARK_READ = `mutation($id: ID!) { markNotificationRead(id: $id) { ${NOTIFICATION} } }`;
const MARK_ALL_READ = "mutation { markAllNotificationsRead }";
const ADD_FRIEND = "mutation($u: String!) { addFriend(username: $u) { id } }";
const REMOVE_FRIEND = "mutation($u: String!) { removeFriend(username: $u) { id } }";
export const NOTIFICATION_EVENTS = `subscription {
  notificationEvents {
    __typename
    ... on NotificationCreatedEvent { notification { ${NOTIFICATION} } }
    ... on NotificationUpdatedEvent { notification { ${NOTIFICATION} } }
  }
}`;

interface Notification {
  id: string;
  kind: string;
  isRead: boolean;
  createdAt: string;
  data: Record<string, unknown>;
  invitationId: string | null;
  tournamentId: string | null;
  actor: { username: string } | null;
}

let server: TestServer;
const { users, as, refused } = clientOf(() => server);
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function list(user: TestUser, filter: "ALL" | "UNREAD" = "ALL", first = 100, offset = 0) {
  const { notifications } = await as(user, NOTIFICATIONS, { filter, first, offset });
  return notifications as { totalCount: number; hasNextPage: boolean; nodes: Notification[] };
}

const unreadCount = async (user: TestUser) => (await as(user, UNREAD_COUNT)).me.unreadNotificationCount as number;

/** A live notificationEvents subscription; resolves once it is live (after its StreamReadyEvent). */
async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, NOTIFICATION_EVENTS);
  const first = await queue.next();
  expect(first.notificationEvents.__typename).toBe("StreamReadyEvent");
  return {
    next: async () => (await queue.next()).notificationEvents as { __typename: string; notification: Notification },
    close: () => client.dispose(),
  };
}

const avatar = "/img/default_avatar.png";

describe("NEW_FRIEND", () => {
  it("addFriend stores a NEW_FRIEND notification and pushes it to every socket of the added user, only", async () => {
    const [alice, bob, carol] = await users(3);
    const bobSockets = [await listen(bob), await listen(bob)];
    const [aliceSocket, carolSocket] = [await listen(alice), await listen(carol)];

    await as(alice, ADD_FRIEND, { u: bob.username });
    const expected = {
      kind: "NEW_FRIEND",
      isRead: false,
      data: { username: alice.username, nickname: alice.username, avatar },
      invitationId: null,
      tournamentId: null,
      actor: { username: alice.username },
    };
    const pushed = [];
    for (const socket of bobSockets) {
      const event = await socket.next();
      expect(event.__typename).toBe("NotificationCreatedEvent");
      expect(event.notification).toMatchObject(expected);
      pushed.push(event.notification);
    }
    expect(pushed[1]).toEqual(pushed[0]);
    // what was pushed is what is stored
    const stored = await list(bob);
    expect(stored).toMatchObject({ totalCount: 1, hasNextPage: false });
    expect(stored.nodes).toEqual([pushed[0]]);
    expect(await unreadCount(bob)).toBe(1);

    // Sentinels: the first thing alice and carol receive is what bob does next, so alice's addFriend reached
    // neither of them, nor did bob's own action echo to bob.
    await as(bob, ADD_FRIEND, { u: carol.username });
    await as(bob, ADD_FRIEND, { u: alice.username });
    expect((await carolSocket.next()).notification.actor).toEqual({ username: bob.username });
    expect((await aliceSocket.next()).notification.actor).toEqual({ username: bob.username });
    await as(carol, ADD_FRIEND, { u: bob.username });
    for (const socket of bobSockets)
      expect((await socket.next()).notification.actor).toEqual({ username: carol.username });
    for (const socket of [...bobSockets, aliceSocket, carolSocket]) socket.close();
  });

  it("a refused addFriend creates and pushes nothing", async () => {
    const [alice, bob] = await users(2);
    await as(alice, ADD_FRIEND, { u: bob.username });
    const socket = await listen(bob);
    await refused(alice, ADD_FRIEND, { u: bob.username }, "CONFLICT");
    expect((await list(bob)).totalCount).toBe(1);
    await as(alice, REMOVE_FRIEND, { u: bob.username });
    await as(alice, ADD_FRIEND, { u: bob.username }); // following again within a day notifies no more
    const [carol] = await users(1);
    await as(carol, ADD_FRIEND, { u: bob.username }); // sentinel
    expect((await socket.next()).notification).toMatchObject({
      kind: "NEW_FRIEND",
      actor: { username: carol.username },
    });
    expect((await list(bob)).totalCount).toBe(2);
    socket.close();
  });
});

describe("reading", () => {
  it("markNotificationRead: the receiver's sockets get the update; other users, unknown and garbage ids are refused", async () => {
    const [alice, bob, carol] = await users(3);
    await as(alice, ADD_FRIEND, { u: bob.username });
    const [notification] = (await list(bob)).nodes;
    const bobSocket = await listen(bob);

    await refused(carol, MARK_READ, { id: notification!.id }, "FORBIDDEN");
    await refused(alice, MARK_READ, { id: notification!.id }, "FORBIDDEN"); // not even its actor
    await refused(bob, MARK_READ, { id: "not-an-id" }, "NOT_FOUND");
    await refused(bob, MARK_READ, { id: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND");
    await refused(null, MARK_READ, { id: notification!.id }, "UNAUTHENTICATED");
    expect((await list(bob)).nodes).toEqual([notification]); // still unread
    expect(await unreadCount(bob)).toBe(1);

    const { markNotificationRead } = await as(bob, MARK_READ, { id: notification!.id.toUpperCase() });
    expect(markNotificationRead).toEqual({ ...notification, isRead: true });
    // the refused attempts pushed nothing: the first event is the update
    expect(await bobSocket.next()).toEqual({
      __typename: "NotificationUpdatedEvent",
      notification: markNotificationRead,
    });
    expect(await unreadCount(bob)).toBe(0);
    expect((await list(bob, "UNREAD")).totalCount).toBe(0);
    expect((await list(bob, "ALL")).nodes).toEqual([markNotificationRead]);

    // reading it again changes nothing and pushes nothing (the next event is the sentinel)
    expect((await as(bob, MARK_READ, { id: notification!.id })).markNotificationRead).toEqual(markNotificationRead);
    await as(carol, ADD_FRIEND, { u: bob.username });
    expect((await bobSocket.next()).__typename).toBe("NotificationCreatedEvent");
    bobSocket.close();
  });

  it("markAllNotificationsRead reads only the caller's notifications", async () => {
    const [alice, bob, carol] = await users(3);
    await as(alice, ADD_FRIEND, { u: bob.username });
    await as(carol, ADD_FRIEND, { u: bob.username });
    await as(bob, ADD_FRIEND, { u: carol.username });
    await as(alice, ADD_FRIEND, { u: carol.username });
    await as(bob, MARK_READ, { id: (await list(bob)).nodes[0]!.id });

    expect((await as(bob, MARK_ALL_READ)).markAllNotificationsRead).toBe(1);
    expect(await unreadCount(bob)).toBe(0);
    expect((await list(bob)).nodes.map((n) => n.isRead)).toEqual([true, true]);
    // carol's are untouched
    expect(await unreadCount(carol)).toBe(2);
    expect((await list(carol, "UNREAD")).totalCount).toBe(2);
    expect((await as(bob, MARK_ALL_READ)).markAllNotificationsRead).toBe(0);
    await refused(null, MARK_ALL_READ, {}, "UNAUTHENTICATED");
    await refused(null, NOTIFICATIONS, {}, "UNAUTHENTICATED");
    expect(await unreadCount(carol)).toBe(2);
  });
});

describe("paging", () => {
  it("pages through a few hundred notifications, newest first, with either filter", async () => {
    const [star, ...fans] = await users(5);
    const cycles = 50; // NEW_FRIEND rows per fan, written as addFriend writes one (which does so once a day per pair)
    const follow = async (fan: TestUser, times: number) => {
      const actor = await server.app.prisma.user.findUniqueOrThrow({ where: { id: fan.id }, select: publicUserSelect });
      for (let i = 0; i < times; i++) await server.app.services.notifications.newFriend(actor, star.id);
    };
    await Promise.all(fans.map((fan) => follow(fan, cycles / 2)));
    const readBefore = (await as(star, MARK_ALL_READ)).markAllNotificationsRead;
    expect(readBefore).toBe((fans.length * cycles) / 2);
    await Promise.all(fans.map((fan) => follow(fan, cycles / 2)));
    const total = fans.length * cycles;
    const unread = total - readBefore;

    // one request for everything (at most 100 a page) against small pages
    const walk = async (filter: "ALL" | "UNREAD", first: number) => {
      const nodes: Notification[] = [];
      for (let offset = 0; ; offset += first) {
        const page = await list(star, filter, first, offset);
        expect(page.totalCount).toBe(filter === "ALL" ? total : unread);
        nodes.push(...page.nodes);
        expect(page.hasNextPage).toBe(offset + first < page.totalCount);
        if (!page.hasNextPage) break;
      }
      return nodes;
    };
    const all = await walk("ALL", 37);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((n) => n.id)).size).toBe(total);
    expect(await walk("ALL", 100)).toEqual(all);
    const newestFirst = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    expect(all.map((n) => n.createdAt)).toEqual(newestFirst.map((n) => n.createdAt));
    expect(new Set(all.map((n) => n.actor?.username))).toEqual(new Set(fans.map((fan) => fan.username)));
    // the unread ones are exactly the newest `unread`, as the UNREAD filter pages them
    expect(all.slice(0, unread).every((n) => !n.isRead)).toBe(true);
    expect(all.slice(unread).every((n) => n.isRead)).toBe(true);
    expect(await walk("UNREAD", 23)).toEqual(all.slice(0, unread));
    expect(await unreadCount(star)).toBe(unread);

    const pastTheEnd = await list(star, "ALL", 10, total);
    expect(pastTheEnd).toEqual({ totalCount: total, hasNextPage: false, nodes: [] });
    const bad = await gql(server, NOTIFICATIONS, { first: 101 }, star);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(codeOf(await gql(server, NOTIFICATIONS, { offset: -1 }, star))).toBe("BAD_USER_INPUT");
  });
});

/**
 * The service itself, on a database of its own: the list's visibility rule (duel invitations are another
 * domain, so their rows are written here with SQL) and actor batching.
 */
describe("service level", () => {
  let database: TestDatabase;
  let db: Db;
  let bus: EventBus;
  let service: NotificationsService;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url, dataDir: "memory://" });
    bus = createEventBus(server.config.redisUrl, createLogger("silent"));
    service = new NotificationsService(db.prisma, bus, createLogger("silent"));
  });
  afterAll(async () => {
    await bus?.close();
    await db?.close();
    await database?.drop();
  });

  async function user(): Promise<string> {
    const name = `u_${randomBytes(5).toString("hex")}`;
    const [row] = await db.sql.query<{ id: string }>(
      `INSERT INTO users (id, username, username_key, email, nickname, nickname_key, password_hash)
       VALUES (gen_random_uuid(), $1::text, $1::text, $1::text || '@example.com', $1::text, $1::text, 'x')
       RETURNING id`,
      [name],
    );
    return row!.id;
  }

  it("hides GAME_INVITE unless its invitation is pending and unexpired, NEW_TOURNAMENT unless its tournament is open", async () => {
    const [me, other] = [await user(), await user()];
    const invitation = async (status: string, expiresAt: string | null = null) =>
      (
        await db.sql.query<{ id: string }>(
          `INSERT INTO duel_invitations (id, inviter_id, invitee_id, status, settings, expires_at)
           VALUES (gen_random_uuid(), $1, $2, $3::"InvitationStatus", '{}', $4) RETURNING id`,
          [other, me, status, expiresAt],
        )
      )[0]!.id;
    const tournament = async (status: string) =>
      (
        await db.sql.query<{ id: string }>(
          `INSERT INTO tournaments (id, name, creator_id, required_participants, status, settings)
           VALUES (gen_random_uuid(), 'cup', $1, 4, $2::"TournamentStatus", '{}') RETURNING id`,
          [other, status],
        )
      )[0]!.id;
    const notify = async (kind: string, column: "invitation_id" | "tournament_id" | null, about: string | null) =>
      (
        await db.sql.query<{ id: string }>(
          `INSERT INTO notifications (id, receiver_id, actor_id, kind, invitation_id, tournament_id)
           VALUES (gen_random_uuid(), $1, $2, $3::"NotificationKind", $4, $5) RETURNING id`,
          [me, other, kind, column === "invitation_id" ? about : null, column === "tournament_id" ? about : null],
        )
      )[0]!.id;

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 1000).toISOString();
    const visible = [
      await notify("NEW_FRIEND", null, null),
      await notify("GAME_INVITE", "invitation_id", await invitation("PENDING")),
      await notify("GAME_INVITE", "invitation_id", await invitation("PENDING", future)),
      await notify("NEW_TOURNAMENT", "tournament_id", await tournament("OPEN")),
    ];
    for (const status of ["ACCEPTED", "DECLINED", "CANCELLED", "EXPIRED"]) {
      await notify("GAME_INVITE", "invitation_id", await invitation(status));
    }
    await notify("GAME_INVITE", "invitation_id", await invitation("PENDING", past));
    for (const status of ["ONGOING", "FINISHED", "CANCELLED"]) {
      await notify("NEW_TOURNAMENT", "tournament_id", await tournament(status));
    }

    for (const filter of ["ALL", "UNREAD"] as const) {
      const page = await service.list(me, filter, { skip: 0, take: 100 });
      expect(new Set(page.nodes.map((n) => n.id))).toEqual(new Set(visible));
      expect(page.totalCount).toBe(visible.length);
    }
    expect(await service.unreadCount(me)).toBe(visible.length);
    expect((await service.list(other, "ALL", { skip: 0, take: 100 })).totalCount).toBe(0);
  });

  it("publishing loads the actors once per chunk, so receivers get them inline, whatever their number", async () => {
    const actors = await Promise.all(Array.from({ length: 30 }, () => user()));
    const receiver = await user();
    let queries = 0;
    const counted = db.prisma.$extends({
      query: {
        $allOperations: ({ args, query }) => {
          queries++;
          return query(args);
        },
      },
    });
    const publisher = new NotificationsService(counted as never, bus, createLogger("silent"));
    const inbox = notificationEventsOf(bus, receiver)[Symbol.asyncIterator]();
    await inbox.next(); // live
    const rows = [...actors, ...actors, ...actors, null].map((actorId, index) => ({
      id: randomUUID(),
      receiverId: receiver,
      actorId,
      kind: "NEW_FRIEND" as const,
      data: { n: index },
      invitationId: null,
      tournamentId: null,
      isRead: false,
      createdAt: new Date(),
    }));
    await publisher.publishCreated(rows);
    expect(queries).toBe(1);
    const received = [];
    for (const _ of rows) received.push((await inbox.next()).value);
    expect(
      received.map((event) => (event?.kind === "NOTIFICATION_CREATED" ? event.notification.actor?.id : "?") ?? null),
    ).toEqual([...actors, ...actors, ...actors, null]);
    await inbox.return?.();
  });
});
