import { paginated, parsePage } from "../http/pagination.ts";
import type { Route, RouteRequest } from "../http/route.ts";
import { listedNotification } from "../legacy/notification-frames.ts";
import { readPages } from "../legacy/pagination.ts";
import {
  MarkAllNotificationsReadDocument,
  type NotificationFilter,
  NotificationPageDocument,
} from "../operations/generated/graphql.ts";

/** `is_read` (§8.3): `all` (the default) and `false` are what they say; any other value lists read ones only. */
function filterOf(isRead: string | null): NotificationFilter {
  if (isRead === null || isRead === "all") return "ALL";
  return isRead === "false" ? "UNREAD" : "READ";
}

/** `limit` items from `offset`, newest first, and the total, read from as many API pages as that takes. */
async function readNotifications(request: RouteRequest, filter: NotificationFilter) {
  const { items, count } = await readPages(parsePage(request.query), async (first, offset) => {
    const { notifications } = await request.data({
      document: NotificationPageDocument,
      variables: { filter, first, offset },
    });
    return { items: notifications.nodes, count: notifications.totalCount };
  });
  return paginated(items.map(listedNotification), count);
}

export const routes: Route[] = [
  {
    method: "GET",
    path: "/api/notifications",
    csrf: false,
    auth: true,
    handle: async (request) => ({
      status: 200,
      body: await readNotifications(request, filterOf(request.query.get("is_read"))),
    }),
  },
  {
    method: "POST",
    path: "/api/notifications/mark_all_as_read",
    csrf: true,
    auth: true,
    handle: async (request) => {
      await request.data({ document: MarkAllNotificationsReadDocument, variables: {} });
      return { status: 200, body: { msg: "All notifications marked as read" } };
    },
  },
];
