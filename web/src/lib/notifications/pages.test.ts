import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import { NotificationEventsDocument } from "../graphql/generated/graphql.ts";
import { notificationsCache } from "./notifications.cache.ts";
import { notificationList } from "./pages.ts";
import { settle, testClient } from "./test-client.ts";

const note = (n: number) => ({
  __typename: "Notification",
  id: `n${n}`,
  kind: "NEW_FRIEND",
  isRead: false,
  createdAt: new Date(Date.UTC(2026, 11, 1, 10, 0, n)).toISOString(),
  data: { username: `user${n}`, nickname: `User ${n}` },
  invitationId: null,
  tournamentId: null,
  actor: null,
});

describe("the notification list's pages", () => {
  it("loads page after page from the number shown, each notification once, new ones first", async () => {
    // the server: 45 notifications, newest first; one more arrives after the first page
    const server = Array.from({ length: 45 }, (_, i) => note(45 - i));
    const offsets: number[] = [];
    const t = testClient([notificationsCache], (operation) => {
      const vars = operation.variables ?? {};
      const offset = Number(vars.offset);
      const first = Number(vars.first);
      offsets.push(offset);
      const nodes = server.slice(offset, offset + first);
      return {
        notifications: {
          __typename: "NotificationPage",
          totalCount: server.length,
          hasNextPage: offset + nodes.length < server.length,
          nodes,
        },
      };
    });
    t.client.subscription(NotificationEventsDocument, {}).subscribe(() => {});
    const list = notificationList(t.client, "ALL", 20);
    await settle();
    expect(
      get(list)
        .nodes.map((n) => n.id)
        .slice(0, 2),
    ).toEqual(["n45", "n44"]);
    expect(get(list).hasMore).toBe(true);

    const fresh = note(46);
    server.unshift(fresh);
    t.emit({
      notificationEvents: { __typename: "NotificationCreatedEvent", at: fresh.createdAt, notification: fresh },
    });
    await settle();
    expect(get(list).nodes.length).toBe(21);

    list.loadMore();
    await settle();
    list.loadMore();
    await settle();
    const state = get(list);
    expect(offsets).toEqual([0, 21, 41]);
    expect(state.nodes.map((n) => n.id)).toEqual(server.map((n) => n.id));
    expect(state.hasMore).toBe(false);
    list.loadMore();
    await settle();
    expect(offsets).toEqual([0, 21, 41]);
    list.stop();
  });
});
