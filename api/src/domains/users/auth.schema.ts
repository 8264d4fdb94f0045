import { roomFor } from "../../graphql/bounds.ts";
import { builder } from "../../graphql/builder.ts";
import { type Context, requireViewer } from "../../graphql/context.ts";
import { REFRESH_TOKEN_MAX_LENGTH, serializeCookie } from "../../infra/auth.ts";
import type { Session } from "./auth.service.ts";
import { MeRef } from "./users.schema.ts";
import { EMAIL_MAX, LOGIN_MAX, PASSWORD_MAX, USERNAME_MAX } from "./users.validation.ts";

const AuthPayload = builder.objectRef<Session>("AuthPayload").implement({
  description: "A new session. Browsers also get it as HttpOnly cookies; API clients use the tokens.",
  fields: (t) => ({
    user: t.field({ type: MeRef, resolve: (session) => session.user }),
    accessToken: t.exposeString("accessToken", { description: "Send as `Authorization: Bearer <token>`." }),
    accessTokenExpiresAt: t.expose("accessTokenExpiresAt", { type: "DateTime" }),
    refreshToken: t.exposeString("refreshToken", { description: "Single use: refreshSession returns a new one." }),
    refreshTokenExpiresAt: t.expose("refreshTokenExpiresAt", { type: "DateTime" }),
  }),
});

/** Over HTTP, sessions also travel as cookies; over WebSocket there is no response to set them on. */
function setSessionCookies(ctx: Context, session: Session): Session {
  const secure = ctx.cookieSecure;
  ctx.cookies?.push(
    serializeCookie("access_token", session.accessToken, { secure, maxAge: ctx.services.auth.tokens.accessTtl }),
    serializeCookie("refresh_token", session.refreshToken, { secure, maxAge: ctx.services.auth.tokens.refreshTtl }),
  );
  return session;
}

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description:
      "Create an account. Password: at least 8 characters, a letter and a digit, not containing the username.",
    args: {
      username: t.arg.string({ required: true, maxLength: roomFor(USERNAME_MAX) }),
      email: t.arg.string({ required: true, maxLength: EMAIL_MAX }),
      password: t.arg.string({ required: true, maxLength: PASSWORD_MAX }),
    },
    resolve: async (_root, args, ctx) => setSessionCookies(ctx, await ctx.services.auth.signUp(args, ctx.clientIp)),
  }),
  logIn: t.field({
    type: AuthPayload,
    args: {
      login: t.arg.string({ required: true, maxLength: LOGIN_MAX, description: "Username (any case) or email." }),
      password: t.arg.string({ required: true, maxLength: PASSWORD_MAX }),
    },
    resolve: async (_root, args, ctx) =>
      setSessionCookies(ctx, await ctx.services.auth.logIn(args.login, args.password, ctx.clientIp)),
  }),
  refreshSession: t.field({
    type: AuthPayload,
    description: "Trade a refresh token (argument or `refresh_token` cookie) for a new session; it is then spent.",
    args: { refreshToken: t.arg.string({ required: false, maxLength: REFRESH_TOKEN_MAX_LENGTH }) },
    resolve: async (_root, args, ctx) =>
      setSessionCookies(ctx, await ctx.services.auth.refresh(args.refreshToken ?? ctx.refreshCookie)),
  }),
  logOut: t.boolean({
    description: "Revoke the refresh token (argument or cookie) and clear the session cookies.",
    args: { refreshToken: t.arg.string({ required: false, maxLength: REFRESH_TOKEN_MAX_LENGTH }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.auth.logOut(requireViewer(ctx), args.refreshToken ?? ctx.refreshCookie);
      ctx.cookies?.push(
        serializeCookie("access_token", "", { secure: ctx.cookieSecure, maxAge: 0 }),
        serializeCookie("refresh_token", "", { secure: ctx.cookieSecure, maxAge: 0 }),
      );
      return true;
    },
  }),
}));
