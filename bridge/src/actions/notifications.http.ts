import { paginated, parsePage } from "../http/pagination.ts";
import type { Route, RouteRequest } from "../http/route.ts";
import { type ApiNotification, listedNotification } from "../legacy/notification-frames.ts";
import {
  MarkAllNotificationsReadDocument,
  type NotificationFilter,
  NotificationPageDocument,
} from "../operations/generated/graphql.ts";

/** The API's largest page: a larger `limit` (legacy has no maximum) is read as several pages. */
const API_PAGE = 100;
/** GraphQL's Int: an offset past it lists nothing, as one past the end does. */
const MAX_OFFSET = 2 ** 31 - 1 - API_PAGE;

/** `is_read` (§8.3): `all` (the default) and `false` are what they say; any other value lists read ones only. */
function filterOf(isRead: string | null): NotificationFilter {
  if (isRead === null || isRead === "all") return "ALL";
  return isRead === "false" ? "UNREAD" : "READ";
}

type Listed = ApiNotification & { isRead: boolean };

/** `limit` items from `offset`, newest first, and the total: pages of the API's size until enough are read. */
async function readNotifications(request: RouteRequest, filter: NotificationFilter) {
  const page = parsePage(request.query);
  const { limit } = page;
  const offset = Math.min(page.offset, MAX_OFFSET);
  const items: Listed[] = [];
  let count = 0;
  for (;;) {
    const first = Math.min(API_PAGE, limit - items.length);
    const { notifications } = await request.data({
      document: NotificationPageDocument,
      variables: { filter, first, offset: offset + items.length },
    });
    count = notifications.totalCount;
    items.push(...notifications.nodes);
    if (notifications.nodes.length < first || items.length >= limit) break;
  }
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
