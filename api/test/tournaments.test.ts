// Tournament announcements: createTournament's rules and its NEW_TOURNAMENT fan-out over real HTTP and graphql-ws,
// cancel/close retracting them, and (at the service level, on a database of its own) the batched fan-out itself.
import { randomBytes } from "node:crypto";
import { createDb, type Db } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationEvent } from "../src/domains/notifications/notifications.events.ts";
import { NotificationsService } from "../src/domains/notifications/notifications.service.ts";
import { TournamentsService } from "../src/domains/tournaments/tournaments.service.ts";
import { createLogger } from "../src/infra/logger.ts";
import { createRateLimits } from "../src/infra/rate-limit.ts";
import { createEventBus, type EventBus } from "../src/realtime/event-bus.ts";
import { topics } from "../src/realtime/topics.ts";
import {
  clientOf,
  codeOf,
  createTestDatabase,
  EventQueue,
  GENEROUS_RATE_LIMITS,
  gql,
  signUp,
  startServer,
  type TestDatabase,
  type TestServer,
  type TestUser,
  wsClient,
} from "./harness.ts";

const TOURNAMENT = `id name requiredParticipants status createdAt creator { username }
  settings { speed scoreToWin timeLimitMinutes ranked coolMode }`;
const CREATE = `mutation($name: String!, $size: Int!, $alias: String!, $settings: GameSettingsInput) {
  createTournament(name: $name, requiredParticipants: $size, alias: $alias, settings: $settings) { ${TOURNAMENT} }
}`;
const CANCEL = `mutation($id: ID!) { cancelTournament(id: $id) { ${TOURNAMENT} } }`;
const CLOSE = `mutation($id: ID!) { closeTournament(id: $id) { ${TOURNAMENT} } }`;
const NOTIFICATION = "id kind isRead data tournamentId actor { username }";
const NOTIFICATIONS = `query($filter: NotificationFilter) {
  notifications(filter: $filter, first: 100) { totalCount nodes { ${NOTIFICATION} } }
}`;
const UNREAD_COUNT = "{ me { unreadNotificationCount } }";
const ADD_FRIEND = "mutation($u: String!) { addFriend(username: $u) { id } }";
const EVENTS = `subscription {
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
  data: Record<string, unknown>;
  tournamentId: string | null;
  actor: { username: string } | null;
}

let server: TestServer;
const { as, refused } = clientOf(() => server);
let everyone: TestUser[];
beforeAll(async () => {
  server = await startServer();
  everyone = await Promise.all(Array.from({ length: 8 }, () => signUp(server)));
});
afterAll(async () => {
  await server?.stop();
});

const create = async (user: TestUser, name = `Cup ${randomBytes(2).toString("hex")}`, alias = "champ") =>
  (await as(user, CREATE, { name, size: 4, alias })).createTournament as { id: string; name: string; status: string };

async function notificationsOf(user: TestUser, filter: "ALL" | "UNREAD" = "ALL") {
  return ((await as(user, NOTIFICATIONS, { filter })).notifications.nodes as Notification[]).filter(
    (n) => n.kind === "NEW_TOURNAMENT",
  );
}
const about = (tournamentId: string) => (n: Notification) => n.tournamentId === tournamentId;
const unreadCount = async (user: TestUser) => (await as(user, UNREAD_COUNT)).me.unreadNotificationCount as number;

async function listen(user: TestUser) {
  const client = wsClient(server, user);
  const queue = new EventQueue(client, EVENTS);
  expect((await queue.next()).notificationEvents.__typename).toBe("StreamReadyEvent");
  return {
    next: async () => (await queue.next()).notificationEvents as { __typename: string; notification: Notification },
    close: () => client.dispose(),
  };
}

describe("createTournament", () => {
  it("refuses each invalid field with BAD_USER_INPUT, and creates and announces nothing", async () => {
    const [creator, watcher] = [everyone[0]!, everyone[1]!];
    const valid = { name: "Spring cup", size: 4, alias: "ace" };
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(51) }, "name"],
      [{ name: "bad\u0000name" }, "name"],
      [{ size: 5 }, "requiredParticipants"],
      [{ size: 0 }, "requiredParticipants"],
      [{ alias: "" }, "alias"],
      [{ alias: "  " }, "alias"],
      [{ alias: "a".repeat(13) }, "alias"],
      [{ settings: { scoreToWin: 2 } }, "settings.scoreToWin"],
      [{ settings: { timeLimitMinutes: 6 } }, "settings.timeLimitMinutes"],
    ];
    for (const [change, field] of cases) {
      const error = await refused(creator, CREATE, { ...valid, ...change }, "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe(field);
    }
    await refused(null, CREATE, valid, "UNAUTHENTICATED");
    await server.app.whenIdle();
    expect(await notificationsOf(watcher)).toEqual([]);

    // 50 characters after trimming, a 12-character alias, defaults filled in: accepted (the creator was not
    // made engaged by any refused attempt)
    const name = "n".repeat(50);
    const { createTournament } = await as(creator, CREATE, {
      name: `  ${name} `,
      size: 8,
      alias: "a".repeat(12),
      settings: { speed: "FAST", ranked: true },
    });
    expect(createTournament).toMatchObject({
      name,
      requiredParticipants: 8,
      status: "OPEN",
      creator: { username: creator.username },
      settings: { speed: "FAST", scoreToWin: 5, timeLimitMinutes: 3, ranked: true, coolMode: false },
    });
    await as(creator, CANCEL, { id: createTournament.id });
    await server.app.whenIdle();
  });

  it("announces a new tournament to every socket of every other user, live, and to the creator not at all", async () => {
    const [creator, alice, bob] = [everyone[2]!, everyone[3]!, everyone[4]!];
    const sockets = [await listen(alice), await listen(alice), await listen(bob)];
    const creatorSocket = await listen(creator);

    const tournament = await create(creator, "  Summer cup  ", " Zed ");
    expect(tournament).toMatchObject({ name: "Summer cup", status: "OPEN" });
    for (const socket of sockets) {
      const event = await socket.next();
      expect(event.__typename).toBe("NotificationCreatedEvent");
      expect(event.notification).toMatchObject({
        kind: "NEW_TOURNAMENT",
        isRead: false,
        tournamentId: tournament.id,
        actor: { username: creator.username },
        data: {
          username: creator.username,
          nickname: creator.username,
          avatar: "/img/default_avatar.png",
          tournamentId: tournament.id,
          tournamentName: "Summer cup",
          alias: "Zed",
          status: "OPEN",
        },
      });
    }
    await server.app.whenIdle();
    // every other user has exactly one announcement of it, the creator none
    for (const user of everyone) {
      const mine = (await notificationsOf(user)).filter(about(tournament.id));
      expect(mine).toHaveLength(user === creator ? 0 : 1);
    }
    // sentinel: the creator's first event is this NEW_FRIEND, so the announcement never reached them
    await as(alice, ADD_FRIEND, { u: creator.username });
    expect((await creatorSocket.next()).notification).toMatchObject({ kind: "NEW_FRIEND" });

    // the creator is now engaged (an active participant of an open tournament): a second one is refused
    await refused(creator, CREATE, { name: "Second", size: 4, alias: "z" }, "FORBIDDEN");
    await server.app.whenIdle();
    expect((await notificationsOf(alice)).filter((n) => n.actor?.username === creator.username)).toHaveLength(1);

    await as(creator, CANCEL, { id: tournament.id });
    await server.app.whenIdle();
    for (const socket of [...sockets, creatorSocket]) socket.close();
  });
});

describe("createTournament, concurrently", () => {
  it("of a user's simultaneous creations exactly one succeeds: the engaged check is serialised per user", async () => {
    const creator = everyone[1]!;
    const results = await Promise.all(
      ["A", "B", "C"].map((name) => gql(server, CREATE, { name, size: 4, alias: name }, creator)),
    );
    const created = results.filter((result) => result.data?.createTournament);
    expect(created).toHaveLength(1);
    expect(results.filter((result) => codeOf(result) === "FORBIDDEN")).toHaveLength(2);
    await server.app.whenIdle();
    const announced = (await notificationsOf(everyone[2]!)).filter((n) => n.actor?.username === creator.username);
    expect(announced.map((n) => n.tournamentId)).toEqual([created[0]!.data!.createTournament.id]);
    await as(creator, CANCEL, { id: created[0]!.data!.createTournament.id });
    await server.app.whenIdle();
  });
});

describe("cancelTournament and closeTournament", () => {
  it("only the creator can end an open tournament; its announcements are then read, pushed and no longer listed", async () => {
    const [creator, alice, bob] = [everyone[5]!, everyone[6]!, everyone[7]!];
    const tournament = await create(creator);
    await server.app.whenIdle();
    const [announcement] = (await notificationsOf(alice, "UNREAD")).filter(about(tournament.id));
    expect(announcement).toBeDefined();
    const unreadBefore = await unreadCount(alice);

    for (const mutation of [CANCEL, CLOSE]) {
      await refused(alice, mutation, { id: tournament.id }, "FORBIDDEN");
      await refused(creator, mutation, { id: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND");
      await refused(creator, mutation, { id: "garbage" }, "NOT_FOUND");
      await refused(null, mutation, { id: tournament.id }, "UNAUTHENTICATED");
    }
    await server.app.whenIdle();
    expect((await notificationsOf(alice, "UNREAD")).filter(about(tournament.id))).toEqual([announcement]);
    expect(await unreadCount(alice)).toBe(unreadBefore);

    // bob had already read his: he is told too, so every client drops it
    const bobs = (await notificationsOf(bob)).find(about(tournament.id))!;
    await as(bob, "mutation($id: ID!) { markNotificationRead(id: $id) { id } }", { id: bobs.id });
    const [aliceSocket, bobSocket] = [await listen(alice), await listen(bob)];
    const { cancelTournament } = await as(creator, CANCEL, { id: tournament.id });
    expect(cancelTournament).toMatchObject({ id: tournament.id, status: "CANCELLED" });
    for (const [socket, id] of [
      [aliceSocket, announcement!.id],
      [bobSocket, bobs.id],
    ] as const) {
      const event = await socket.next();
      expect(event.__typename).toBe("NotificationUpdatedEvent");
      expect(event.notification).toMatchObject({ id, isRead: true, data: { status: "CANCELLED" } });
    }
    await server.app.whenIdle();
    expect((await notificationsOf(alice)).filter(about(tournament.id))).toEqual([]);
    expect(await unreadCount(alice)).toBe(unreadBefore - 1);
    await refused(creator, CANCEL, { id: tournament.id }, "CONFLICT");
    await refused(creator, CLOSE, { id: tournament.id }, "CONFLICT");

    // no longer engaged: the creator may create again; closing starts it and keeps them engaged
    const next = await create(creator);
    await server.app.whenIdle();
    expect((await notificationsOf(alice)).filter(about(next.id))).toHaveLength(1);
    expect((await as(creator, CLOSE, { id: next.id })).closeTournament).toMatchObject({ status: "ONGOING" });
    const announced = await aliceSocket.next(); // its announcement, then its retraction
    expect(announced).toMatchObject({
      __typename: "NotificationCreatedEvent",
      notification: { tournamentId: next.id },
    });
    expect(await aliceSocket.next()).toMatchObject({
      __typename: "NotificationUpdatedEvent",
      notification: { tournamentId: next.id, isRead: true, data: { status: "ONGOING" } },
    });
    await server.app.whenIdle();
    expect((await notificationsOf(alice)).filter(about(next.id))).toEqual([]);
    expect(await unreadCount(alice)).toBe(unreadBefore - 1);
    await refused(creator, CREATE, { name: "Third", size: 4, alias: "z" }, "FORBIDDEN");
    aliceSocket.close();
    bobSocket.close();
  });
});

/** The fan-out itself, at the service level: many users written with SQL, small batches, real pub/sub. */
describe("announcement fan-out", () => {
  const BATCH = 7;
  const USERS = 60;
  let database: TestDatabase;
  let db: Db;
  let bus: EventBus;
  let service: TournamentsService;
  let ids: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url, dataDir: "memory://" });
    const logger = createLogger("silent");
    bus = createEventBus(server.config.redisUrl, logger);
    service = new TournamentsService(
      db.prisma,
      db.sql,
      new NotificationsService(db.prisma, bus, logger),
      logger,
      createRateLimits(undefined, GENEROUS_RATE_LIMITS),
      BATCH,
    );
    const rows = await db.sql.query<{ id: string }>(
      `INSERT INTO users (id, username, username_key, email, nickname, nickname_key, password_hash)
       SELECT gen_random_uuid(), 'fan' || g, 'fan' || g, 'fan' || g || '@example.com', 'fan' || g, 'fan' || g, 'x'
       FROM generate_series(1, $1::int) g RETURNING id`,
      [USERS],
    );
    ids = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await db?.close();
    await database?.drop();
  });

  /**
   * Collects what reaches some users' inboxes, live before anything is published. `settled()` publishes a
   * sentinel to each and waits for it: whatever was published before has then arrived (pub/sub keeps order).
   */
  async function inboxes(userIds: string[]) {
    const events = new Map<string, NotificationEvent[]>(userIds.map((id) => [id, []]));
    const sentinelSeen = new Map<string, () => void>();
    const streams = userIds.map((id) => bus.subscribe(topics.inbox(id)));
    const ready = streams.map(async (stream, index) => {
      const id = userIds[index]!;
      const first = await stream.next();
      expect(first.value).toMatchObject({ kind: "STREAM_READY" });
      void (async () => {
        for await (const event of stream) {
          if (event.kind === ("SENTINEL" as string)) sentinelSeen.get(id)?.();
          else events.get(id)!.push(event as NotificationEvent);
        }
      })();
    });
    await Promise.all(ready);
    const settled = () =>
      Promise.all(
        userIds.map(
          (id) =>
            new Promise<void>((resolve) => {
              sentinelSeen.set(id, resolve);
              void bus.publish(topics.inbox(id), { kind: "SENTINEL" } as never);
            }),
        ),
      );
    return { events, settled, close: () => Promise.all(streams.map((stream) => stream.return(undefined))) };
  }

  const rowsOf = (tournamentId: string) =>
    db.sql.query<{ receiver_id: string; is_read: boolean; status: string }>(
      "SELECT receiver_id, is_read, data->>'status' AS status FROM notifications WHERE tournament_id = $1::uuid",
      [tournamentId],
    );

  it("writes exactly one notification per other user, in batches, and pushes each to its inbox", async () => {
    const creator = ids[17]!;
    const watched = [ids[0]!, ids[30]!, ids[59]!, creator];
    const live = await inboxes(watched);
    const tournament = await service.create(creator, { name: "Big cup", requiredParticipants: 8, alias: "boss" });
    await service.whenIdle();

    const rows = await rowsOf(tournament.id);
    expect(rows).toHaveLength(USERS - 1);
    expect(new Set(rows.map((row) => row.receiver_id))).toEqual(new Set(ids.filter((id) => id !== creator)));
    expect(rows.every((row) => !row.is_read && row.status === "OPEN")).toBe(true);
    await live.settled();
    for (const id of watched) {
      const kinds = live.events.get(id)!.map((event) => event.kind);
      expect(kinds).toEqual(id === creator ? [] : ["NOTIFICATION_CREATED"]);
    }
    expect(live.events.get(ids[30]!)![0]!.notification).toMatchObject({
      receiverId: ids[30],
      actorId: creator,
      kind: "NEW_TOURNAMENT",
      tournamentId: tournament.id,
      isRead: false,
      data: {
        tournamentId: tournament.id,
        tournamentName: "Big cup",
        alias: "boss",
        avatar: "/img/default_avatar.png",
      },
    });

    // retraction, in batches too: every row read, every receiver told
    await service.cancel(creator, tournament.id);
    await service.whenIdle();
    expect((await rowsOf(tournament.id)).every((row) => row.is_read && row.status === "CANCELLED")).toBe(true);
    await live.settled();
    for (const id of watched) {
      const kinds = live.events.get(id)!.map((event) => event.kind);
      expect(kinds).toEqual(id === creator ? [] : ["NOTIFICATION_CREATED", "NOTIFICATION_UPDATED"]);
    }
    await live.close();
  });

  it("a cancel racing the fan-out leaves no unread announcement, and nobody sees one created after its retraction", async () => {
    const creator = ids[3]!;
    const watched = ids.filter((_, index) => index % 5 === 0 && index !== 3);
    const live = await inboxes(watched);
    const tournament = await service.create(creator, { name: "Short cup", requiredParticipants: 4, alias: "x" });
    await service.cancel(creator, tournament.id); // the fan-out has at most written its first batch
    await service.whenIdle();

    const rows = await rowsOf(tournament.id);
    expect(rows.length).toBeLessThan(USERS);
    expect(rows.every((row) => row.is_read && row.status === "CANCELLED")).toBe(true);
    const written = new Set(rows.map((row) => row.receiver_id));
    await live.settled();
    for (const id of watched) {
      const kinds = live.events.get(id)!.map((event) => event.kind);
      expect(kinds).toEqual(written.has(id) ? ["NOTIFICATION_CREATED", "NOTIFICATION_UPDATED"] : []);
    }
    await live.close();
  });

  it("stop() ends a running fan-out after its current batch and starts no new one", async () => {
    const logger = createLogger("silent");
    const stopping = new TournamentsService(
      db.prisma,
      db.sql,
      new NotificationsService(db.prisma, bus, logger),
      logger,
      createRateLimits(undefined, GENEROUS_RATE_LIMITS),
      BATCH,
    );
    const [creator, other] = [ids[40]!, ids[41]!];
    const [{ id } = { id: "" }] = await db.sql.query<{ id: string }>(
      `INSERT INTO tournaments (id, name, creator_id, required_participants, settings)
       VALUES (gen_random_uuid(), 'Stopped cup', $1::uuid, 4, '{}') RETURNING id`,
      [creator],
    );
    const data = {
      username: "fan",
      nickname: "fan",
      avatar: "/img/default_avatar.png",
      tournamentId: id,
      tournamentName: "Stopped cup",
      alias: "s",
      status: "OPEN" as const,
    };
    const running = stopping.announce(id, creator, data); // its first batch is in flight
    await stopping.stop();
    expect(await running).toBe(BATCH);
    expect(await rowsOf(id)).toHaveLength(BATCH);

    expect(await stopping.announce(id, creator, data)).toBe(0);
    const later = await stopping.create(other, { name: "After stop", requiredParticipants: 4, alias: "late" });
    await stopping.whenIdle();
    expect(await rowsOf(later.id)).toEqual([]);
  });
});
