import { type ApiError, codeOf, fail, invalid, UNAUTHORIZED } from "../http/errors.ts";
import { stringFields } from "../http/fields.ts";
import type { Route } from "../http/route.ts";
import { profileMinimal } from "../legacy/profile.ts";
import {
  LegacyLogInDocument,
  LegacyLogOutDocument,
  LegacyRefreshDocument,
  LegacySelfDocument,
  LegacySignUpDocument,
} from "../operations/generated/graphql.ts";

/** Log-in, sign-up, session cookies and self (protocol §1.2, §8.4, §8.5). */

const LOGIN_FAILED = "Username or password are not correct.";

/** A refused log-in is one text whatever the cause (unknown name, wrong password, a name too long to exist). */
const logInRefusal = (error: ApiError) => {
  const code = codeOf(error);
  return code === "UNAUTHENTICATED" || code === "BAD_USER_INPUT" ? fail(401, LOGIN_FAILED) : undefined;
};

/** Sign-up rules the API refuses, as legacy lists them: `{type: "validation_error", loc: ["body", field], msg}`. */
const signUpRefusal = (error: ApiError) => {
  const code = codeOf(error);
  if (code !== "BAD_USER_INPUT" && code !== "CONFLICT") return undefined;
  const field = typeof error.extensions?.field === "string" ? error.extensions.field : undefined;
  return invalid([{ type: "validation_error", loc: field ? ["body", field] : ["body"], msg: error.message }]);
};

export const routes: Route[] = [
  {
    method: "POST",
    path: "/api/login",
    csrf: false,
    auth: false,
    async handle(request) {
      const { username, password } = stringFields(request.json(), "credentials", ["username", "password"]);
      const { logIn } = await request.data(
        { document: LegacyLogInDocument, variables: { login: username, password } },
        logInRefusal,
      );
      return { status: 200, body: profileMinimal(logIn.user.profile), issueCsrfToken: true };
    },
  },
  {
    method: "POST",
    path: "/api/signup",
    csrf: false,
    auth: false,
    async handle(request) {
      const fields = ["username", "email", "password", "password_repeat"] as const;
      const { username, email, password, password_repeat } = stringFields(request.json(), "data", fields);
      if (password !== password_repeat) {
        throw invalid([{ type: "validation_error", loc: ["body", "password_repeat"], msg: "Passwords do not match." }]);
      }
      const { signUp } = await request.data(
        { document: LegacySignUpDocument, variables: { username, email, password } },
        signUpRefusal,
      );
      return { status: 201, body: profileMinimal(signUp.user.profile), issueCsrfToken: true };
    },
  },
  {
    method: "POST",
    path: "/api/refresh",
    csrf: true,
    auth: false,
    async handle(request) {
      if (!request.cookies.refresh_token) throw fail(401, UNAUTHORIZED);
      await request.data({ document: LegacyRefreshDocument, variables: {} });
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    path: "/api/logout",
    csrf: true,
    auth: true,
    async handle(request) {
      if (!request.cookies.refresh_token) throw fail(401, UNAUTHORIZED);
      await request.data({ document: LegacyLogOutDocument, variables: {} });
      return { status: 204 };
    },
  },
  {
    method: "GET",
    path: "/api/self",
    csrf: false,
    auth: true,
    async handle(request) {
      const { me } = await request.data({ document: LegacySelfDocument, variables: {} });
      return {
        status: 200,
        body: {
          username: me.username,
          nickname: me.nickname,
          avatar: me.avatar,
          elo: me.elo,
          // the request itself was activity (§7)
          is_online: true,
          unread_messages_count: me.unreadMessageCount,
          unread_notifications_count: me.unreadNotificationCount,
          game_id: me.currentGame?.id ?? null,
          tournament_id: me.currentTournament?.id ?? null,
          is_engaged_in_game: me.isEngaged,
        },
      };
    },
  },
];
