import type { Client } from "@urql/core";
import { type Readable, writable } from "svelte/store";
import {
  type NotificationFieldsFragment,
  type NotificationFilter,
  NotificationsDocument,
} from "../graphql/generated/graphql.ts";

export const PAGE_SIZE = 20;

export interface NotificationList {
  /** every page loaded so far, in order, each notification once */
  nodes: NotificationFieldsFragment[];
  /** as the API counts them, for this filter */
  totalCount: number;
  hasMore: boolean;
  /** the first page has not answered yet */
  loading: boolean;
  /** a further page is on its way */
  loadingMore: boolean;
  error: string | null;
}

interface Page {
  offset: number;
  nodes: NotificationFieldsFragment[];
  totalCount: number;
  hasNextPage: boolean;
  answered: boolean;
  stop: () => void;
}

/** Each notification once, the first time it appears (pages overlap when new ones arrive at the top). */
export function mergePages(pages: readonly { nodes: readonly NotificationFieldsFragment[] }[]) {
  const seen = new Set<string>();
  const nodes: NotificationFieldsFragment[] = [];
  for (const page of pages) {
    for (const node of page.nodes) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      nodes.push(node);
    }
  }
  return nodes;
}

/**
 * `notifications(filter:)` as an infinite list: one cached query per page, each kept live by the cache (the
 * notificationEvents updater puts new ones first on the first page, reading takes them off Unread). A further
 * page starts at the number of notifications shown, so arrivals and removals on top never skip one.
 */
export function notificationList(
  client: Client,
  filter: NotificationFilter,
  pageSize = PAGE_SIZE,
): Readable<NotificationList> & { loadMore(): void; refresh(): void; stop(): void } {
  const pages: Page[] = [];
  const state = writable<NotificationList>({
    nodes: [],
    totalCount: 0,
    hasMore: false,
    loading: true,
    loadingMore: false,
    error: null,
  });

  const publish = (error: string | null = null) => {
    const last = pages.at(-1);
    state.set({
      nodes: mergePages(pages),
      totalCount: pages[0]?.totalCount ?? 0,
      hasMore: last?.answered ? last.hasNextPage : false,
      loading: !pages[0]?.answered,
      loadingMore: pages.length > 1 && !last?.answered,
      error,
    });
  };

  const addPage = (offset: number) => {
    const page: Page = { offset, nodes: [], totalCount: 0, hasNextPage: false, answered: false, stop: () => {} };
    pages.push(page);
    const subscription = client
      .query(NotificationsDocument, { filter, first: pageSize, offset })
      .subscribe((result) => {
        if (result.data) {
          page.nodes = result.data.notifications.nodes;
          page.totalCount = result.data.notifications.totalCount;
          page.hasNextPage = result.data.notifications.hasNextPage;
          page.answered = true;
        } else if (result.error) {
          page.answered = true;
        }
        publish(result.error ? "Notifications could not be loaded." : null);
      });
    page.stop = () => subscription.unsubscribe();
    publish();
  };

  addPage(0);
  return {
    subscribe: state.subscribe,
    loadMore() {
      const last = pages.at(-1);
      if (!last?.answered || !last.hasNextPage) return;
      addPage(mergePages(pages).length);
    },
    /** The first page from the server again (after a StreamReady): what arrived meanwhile appears. */
    refresh() {
      void client
        .query(NotificationsDocument, { filter, first: pageSize, offset: 0 }, { requestPolicy: "network-only" })
        .toPromise();
    },
    stop() {
      for (const page of pages.splice(0)) page.stop();
    },
  };
}
