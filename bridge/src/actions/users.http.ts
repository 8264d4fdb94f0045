import { codeOf, fail, HttpError } from "../http/errors.ts";
import { stringFields } from "../http/fields.ts";
import { fetchPage, parsePage } from "../http/pagination.ts";
import type { Caller, CallerRoute, Route, RouteRequest, RouteResponse } from "../http/route.ts";
import { fullProfile, profileMinimal } from "../legacy/profile.ts";
import {
  LegacyAddFriendDocument,
  LegacyBlockedUsersDocument,
  LegacyBlockUserDocument,
  LegacyFriendsDocument,
  LegacyProfileDocument,
  LegacyRemoveFriendDocument,
  LegacyUnblockUserDocument,
  LegacyUserSearchDocument,
} from "../operations/generated/graphql.ts";

/** User search, profiles, friends and blocks (protocol §8.5). */

type CallerRequest = RouteRequest & { caller: Caller };

/** Path usernames are case-insensitive (§8.1): the API's lookup key. */
const sameUser = (a: string, b: string) => a.normalize("NFKC").toLowerCase() === b.normalize("NFKC").toLowerCase();

/** `/api/users/{me}/…` is for the caller only; validation of the query and body comes first (django-ninja). */
function onlySelf(request: CallerRequest): void {
  if (!sameUser(request.params.me ?? "", request.caller.username)) throw fail(403, "Forbidden.");
}

/** Caller routes under /api/users/{me}/, checked for self after `prepare` has validated the request. */
function selfRoute<P>(
  method: Route["method"],
  path: string,
  prepare: (request: CallerRequest) => P,
  handle: (request: CallerRequest, prepared: P) => Promise<RouteResponse>,
): CallerRoute {
  return {
    method,
    path: `/api/users/:me/${path}`,
    csrf: method !== "GET",
    auth: true,
    async handle(request) {
      const prepared = prepare(request);
      onlySelf(request);
      return handle(request, prepared);
    },
  };
}

const username = (request: RouteRequest) => stringFields(request.json(), "user_to_add", ["username"]).username;

export const routes: Route[] = [
  {
    method: "GET",
    path: "/api/users",
    csrf: false,
    auth: true,
    async handle(request) {
      const page = parsePage(request.query);
      const query = request.query.get("search") ?? "";
      const body = await fetchPage(page, async (first, offset) => {
        try {
          const { searchUsers } = await request.data({
            document: LegacyUserSearchDocument,
            variables: { query, first, offset },
          });
          return searchUsers;
        } catch (error) {
          // a query longer than any name (the API's only bad input here) finds nobody
          if (error instanceof HttpError && error.status === 422) return { totalCount: 0, nodes: [] };
          throw error;
        }
      });
      return { status: 200, body: { items: body.items.map(profileMinimal), count: body.count } };
    },
  },
  {
    method: "GET",
    path: "/api/users/:username",
    csrf: false,
    auth: true,
    async handle(request) {
      const variables = { username: request.params.username ?? "" };
      const { user } = await request.data({ document: LegacyProfileDocument, variables });
      return { status: 200, body: fullProfile(user) };
    },
  },
  selfRoute(
    "GET",
    "friends",
    (request) => parsePage(request.query),
    async (request, page) => {
      const body = await fetchPage(page, async (first, offset) => {
        const { me } = await request.data({ document: LegacyFriendsDocument, variables: { first, offset } });
        return me.friends;
      });
      return { status: 200, body: { items: body.items.map(profileMinimal), count: body.count } };
    },
  ),
  selfRoute("POST", "friends", username, async (request, friend) => {
    const { addFriend } = await request.data(
      { document: LegacyAddFriendDocument, variables: { username: friend } },
      // Parley refuses to befriend someone who blocked you; legacy had no such rule, so no legacy text either
      (error) => (codeOf(error) === "FORBIDDEN" ? fail(422, error.message) : undefined),
    );
    return { status: 201, body: profileMinimal(addFriend) };
  }),
  selfRoute(
    "DELETE",
    "friends/:friend",
    () => undefined,
    async (request) => {
      const variables = { username: request.params.friend ?? "" };
      await request.data({ document: LegacyRemoveFriendDocument, variables });
      return { status: 204 };
    },
  ),
  selfRoute(
    "GET",
    "blocked_users",
    (request) => parsePage(request.query),
    async (request, page) => {
      const body = await fetchPage(page, async (first, offset) => {
        const { me } = await request.data({ document: LegacyBlockedUsersDocument, variables: { first, offset } });
        return me.blockedUsers;
      });
      return { status: 200, body: { items: body.items.map(profileMinimal), count: body.count } };
    },
  ),
  selfRoute("POST", "blocked_users", username, async (request, blocked) => {
    const { blockUser } = await request.data({ document: LegacyBlockUserDocument, variables: { username: blocked } });
    return { status: 201, body: profileMinimal(blockUser) };
  }),
  selfRoute(
    "DELETE",
    "blocked_users/:user",
    () => undefined,
    async (request) => {
      const variables = { username: request.params.user ?? "" };
      await request.data({ document: LegacyUnblockUserDocument, variables });
      return { status: 204 };
    },
  ),
];
