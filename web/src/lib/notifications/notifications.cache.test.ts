import { describe, expect, it } from "vitest";
import {
  MarkAllNotificationsReadDocument,
  MarkNotificationReadDocument,
  NotificationEventsDocument,
  type NotificationFieldsFragment,
  type NotificationFilter,
  NotificationsDocument,
  UnreadNotificationCountDocument,
} from "../graphql/generated/graphql.ts";
import { notificationsCache } from "./notifications.cache.ts";
import { settle, testClient } from "./test-client.ts";

const actor = { __typename: "User", id: "u2", username: "bob", nickname: "Bob", avatar: "" };
const note = (id: string, overrides: Partial<NotificationFieldsFragment> = {}) => ({
  __typename: "Notification",
  id,
  kind: "NEW_FRIEND",
  isRead: false,
  createdAt: `2026-12-01T10:00:0${id.slice(-1)}.000Z`,
  data: { username: "bob", nickname: "Bob", avatar: "" },
  invitationId: null,
  tournamentId: null,
  actor,
  ...overrides,
});

/** The server as it was when the client first asked: n1 unread, n2 read, 1 unread. */
function setup() {
  const fixtures: Record<NotificationFilter, ReturnType<typeof note>[]> = {
    ALL: [note("n1"), note("n2", { isRead: true })],
    UNREAD: [note("n1")],
    READ: [note("n2", { isRead: true })],
  };
  const t = testClient([notificationsCache], (operation) => {
    const name = operation.query.definitions.find((d) => d.kind === "OperationDefinition")?.name?.value;
    if (name === "UnreadNotificationCount") {
      return { me: { __typename: "Me", id: "me", unreadNotificationCount: 1 } };
    }
    if (name === "Notifications") {
      const filter: unknown = operation.variables?.filter;
      const nodes = filter === "UNREAD" || filter === "READ" ? fixtures[filter] : fixtures.ALL;
      return { notifications: { __typename: "NotificationPage", totalCount: nodes.length, hasNextPage: false, nodes } };
    }
    if (name === "MarkNotificationRead") return { markNotificationRead: note("n1", { isRead: true }) };
    if (name === "MarkAllNotificationsRead") return { markAllNotificationsRead: 1 };
    return undefined;
  });
  const latest: { count?: number; all?: string[]; allTotal?: number; unread?: string[]; unreadTotal?: number } = {};
  t.client.query(UnreadNotificationCountDocument, {}).subscribe((result) => {
    latest.count = result.data?.me.unreadNotificationCount;
  });
  t.client.query(NotificationsDocument, { filter: "ALL", first: 20, offset: 0 }).subscribe((result) => {
    latest.all = result.data?.notifications.nodes.map((n) => `${n.id}${n.isRead ? "" : "*"}`);
    latest.allTotal = result.data?.notifications.totalCount;
  });
  t.client.query(NotificationsDocument, { filter: "UNREAD", first: 20, offset: 0 }).subscribe((result) => {
    latest.unread = result.data?.notifications.nodes.map((n) => n.id);
    latest.unreadTotal = result.data?.notifications.totalCount;
  });
  t.client.subscription(NotificationEventsDocument, {}).subscribe(() => {});
  const snapshot = () => JSON.parse(JSON.stringify(latest));
  return { ...t, latest, snapshot };
}

const created = (n: ReturnType<typeof note>) => ({
  notificationEvents: { __typename: "NotificationCreatedEvent", at: n.createdAt, notification: n },
});
const updated = (n: ReturnType<typeof note>) => ({
  notificationEvents: { __typename: "NotificationUpdatedEvent", at: n.createdAt, notification: n },
});

describe("notifications cache", () => {
  it("NotificationCreatedEvent: first on All and Unread, counted once; the same event again changes nothing", async () => {
    const t = setup();
    await settle();
    expect(t.snapshot()).toEqual({ count: 1, all: ["n1*", "n2"], allTotal: 2, unread: ["n1"], unreadTotal: 1 });
    t.emit(created(note("n3")));
    await settle();
    const once = t.snapshot();
    expect(once).toEqual({ count: 2, all: ["n3*", "n1*", "n2"], allTotal: 3, unread: ["n3", "n1"], unreadTotal: 2 });
    t.emit(created(note("n3")));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });

  it("a created event for a notification the lists already show is not counted again", async () => {
    const t = setup();
    await settle();
    t.emit(created(note("n1")));
    await settle();
    expect(t.snapshot()).toEqual({ count: 1, all: ["n1*", "n2"], allTotal: 2, unread: ["n1"], unreadTotal: 1 });
  });

  it("NotificationUpdatedEvent (read): off the Unread list, count down once; again changes nothing", async () => {
    const t = setup();
    await settle();
    t.emit(updated(note("n1", { isRead: true })));
    await settle();
    const once = t.snapshot();
    expect(once).toEqual({ count: 0, all: ["n1", "n2"], allTotal: 2, unread: [], unreadTotal: 0 });
    t.emit(updated(note("n1", { isRead: true })));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });

  it("created then read by its event: back where it started, whatever repeats", async () => {
    const t = setup();
    await settle();
    for (const event of [created(note("n3")), created(note("n3")), updated(note("n3", { isRead: true }))]) {
      t.emit(event);
      await settle();
    }
    const once = t.snapshot();
    expect(once).toEqual({ count: 1, all: ["n3", "n1*", "n2"], allTotal: 3, unread: ["n1"], unreadTotal: 1 });
    t.emit(updated(note("n3", { isRead: true })));
    t.emit(created(note("n3", { isRead: true })));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });

  it("markNotificationRead's result and its event (to the same socket) count as one change", async () => {
    const t = setup();
    await settle();
    await t.client.mutation(MarkNotificationReadDocument, { id: "n1" }).toPromise();
    await settle();
    const once = t.snapshot();
    expect(once).toEqual({ count: 0, all: ["n1", "n2"], allTotal: 2, unread: [], unreadTotal: 0 });
    t.emit(updated(note("n1", { isRead: true })));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });

  it("a GAME_INVITE that is no longer pending leaves every list, once", async () => {
    const t = setup();
    await settle();
    const invite = note("n4", {
      kind: "GAME_INVITE",
      invitationId: "i1",
      data: { username: "bob", status: "PENDING" },
    });
    t.emit(created(invite));
    await settle();
    expect(t.snapshot()).toMatchObject({ count: 2, all: ["n4*", "n1*", "n2"], unread: ["n4", "n1"] });
    const declined = { ...invite, isRead: true, data: { username: "bob", status: "DECLINED" } };
    t.emit(updated(declined));
    await settle();
    const once = t.snapshot();
    expect(once).toEqual({ count: 1, all: ["n1*", "n2"], allTotal: 2, unread: ["n1"], unreadTotal: 1 });
    t.emit(updated(declined));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });

  it("an update for a notification it never counted has the count fetched again", async () => {
    const t = setup();
    await settle();
    const before = t.sent.filter((name) => name === "UnreadNotificationCount").length;
    t.emit(updated(note("n9", { kind: "GAME_INVITE", isRead: true, data: { status: "CANCELLED" } })));
    await settle();
    expect(t.sent.filter((name) => name === "UnreadNotificationCount").length).toBe(before + 1);
    expect(t.snapshot()).toEqual({ count: 1, all: ["n1*", "n2"], allTotal: 2, unread: ["n1"], unreadTotal: 1 });
  });

  it("StreamReadyEvent changes nothing in the cache (the live feed refetches after it)", async () => {
    const t = setup();
    await settle();
    const before = t.snapshot();
    t.emit({ notificationEvents: { __typename: "StreamReadyEvent", at: "2026-12-01T10:00:00.000Z" } });
    t.emit({ notificationEvents: { __typename: "StreamReadyEvent", at: "2026-12-01T10:00:00.000Z" } });
    await settle();
    expect(t.snapshot()).toEqual(before);
  });

  it("markAllNotificationsRead: everything read, Unread empty, count 0; twice changes nothing", async () => {
    const t = setup();
    await settle();
    t.emit(created(note("n3")));
    await settle();
    await t.client.mutation(MarkAllNotificationsReadDocument, {}).toPromise();
    await settle();
    const once = t.snapshot();
    expect(once).toEqual({ count: 0, all: ["n3", "n1", "n2"], allTotal: 3, unread: [], unreadTotal: 0 });
    await t.client.mutation(MarkAllNotificationsReadDocument, {}).toPromise();
    t.emit(updated(note("n3", { isRead: true })));
    await settle();
    expect(t.snapshot()).toEqual(once);
  });
});
