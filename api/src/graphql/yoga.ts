import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Sessions } from "../domains/users/sessions.ts";
import { accessTokenFrom, readCookie } from "../infra/auth.ts";
import { clientAddress } from "../infra/client-address.ts";
import { currentLogger, type Logger, operationLogger } from "../infra/logger.ts";
import type { OriginPolicy } from "../infra/origin-policy.ts";
import { armorPlugins, type GraphqlLimits } from "./armor.ts";
import { baseContext, type Context, type SocketSession, type Viewer } from "./context.ts";
import { documentCache } from "./document-cache.ts";
import { maskError } from "./errors.ts";
import { schema } from "./schema.ts";
import type { TransportLimits } from "./transport-limits.ts";
import { bodyLimit, boundedMessage, originGuard, requestParseErrors, sessionExpiry } from "./transport-plugins.ts";

export type Deps = Pick<Context, "prisma" | "bus" | "services" | "cookieSecure"> & {
  sessions: Sessions;
  logger: Logger;
  graphqlLimits: GraphqlLimits;
  originPolicy: OriginPolicy;
  transportLimits: TransportLimits;
  /** operability (ops-plugin.ts): in-flight accounting, refusal while stopping, the operation's logger */
  plugins?: Plugin<Context & Partial<WsInitialContext>>[];
  /** proxies in front of the app that append to X-Forwarded-For (TRUST_PROXY) */
  trustProxy: number;
};

/** What graphql-ws hands to the context factory instead of an HTTP request. */
export interface WsInitialContext {
  transport: "ws";
  token: string | undefined;
  /** instead of `token`, for a socket that outlives its token (graphql/ws.ts `outlivesToken`) */
  session?: SocketSession;
  /** for the operation's log lines */
  socketId: string;
  operationId: string;
  /** the client's address, as the socket's upgrade request gave it */
  clientIp: string;
}

/** Over HTTP, the node request yoga was called with (its socket has the remote address; the legacy bridge's too). */
type HttpServerContext = { req?: { socket: { remoteAddress?: string } } };

export type ParleyYoga = YogaServerInstance<Partial<WsInitialContext> & HttpServerContext, Context>;

export function createParleyYoga(deps: Deps): ParleyYoga {
  const cookieJars = new WeakMap<Request, string[]>();
  return createYoga<Partial<WsInitialContext> & HttpServerContext, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    // Never reflects an untrusted origin: only the policy's trusted ones get CORS headers (with credentials).
    cors: (request) => {
      const origin = deps.originPolicy.corsOrigin(request.headers);
      return origin ? { origin: [origin], credentials: true } : false;
    },
    maxRequestBodySize: deps.transportLimits.maxRequestBytes,
    // documentCache (below) instead: bounded by tokens, valid documents only
    parserAndValidationCache: false,
    // A lost database connection is UNAVAILABLE (errors.ts); messages stay bounded either way.
    maskedErrors: { maskError: (error, message, isDev) => boundedMessage(maskError(error, message, isDev)) },
    graphiql: { title: "Parley GraphQL explorer", subscriptionsProtocol: "WS" },
    // GraphiQL bundled in (no CDN), loaded on first use: it is several megabytes.
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    // The current operation's logger, so the masked-error line carries its ids.
    logging: {
      debug: (...args) => currentLogger(deps.logger).debug(args),
      info: (...args) => currentLogger(deps.logger).info(args),
      warn: (...args) => currentLogger(deps.logger).warn(args),
      error: (...args) => currentLogger(deps.logger).error(args),
    },
    // Every transport builds its context here, so token checks apply to each operation.
    context: async (initial) => {
      const cookie = initial.request?.headers.get("cookie");
      const token =
        initial.transport === "ws"
          ? initial.token
          : accessTokenFrom({ authorization: initial.request.headers.get("authorization"), cookie });
      const check = initial.session ? await deps.sessions.live(initial.session) : await deps.sessions.resolve(token);
      const viewer: Viewer | null = check.ok ? check.viewer : null;
      // An authenticated HTTP request is activity (protocol §7); operations on a socket are not. Not awaited.
      if (viewer && initial.transport !== "ws") deps.services.presence.activity(viewer.id);
      const cookies = initial.request ? [] : undefined;
      if (cookies && initial.request) cookieJars.set(initial.request, cookies);
      return {
        ...baseContext(deps, { viewer, authProblem: check.ok || check.reason === "missing" ? null : check.reason }),
        cookies,
        refreshCookie: readCookie(cookie, "refresh_token"),
        logger:
          initial.transport === "ws" && initial.socketId && initial.operationId
            ? operationLogger(deps.logger, { socketId: initial.socketId, operationId: initial.operationId })
            : currentLogger(deps.logger),
        clientIp:
          initial.clientIp ??
          clientAddress(
            initial.req?.socket.remoteAddress,
            initial.request?.headers.get("x-forwarded-for"),
            deps.trustProxy,
          ),
      };
    },
    plugins: [
      originGuard(deps.originPolicy),
      bodyLimit(deps.transportLimits.maxRequestBytes),
      requestParseErrors,
      sessionExpiry,
      // Depth, cost, aliases, tokens, directives: parse and validate hooks, so graphql-ws gets them too.
      ...armorPlugins(deps.graphqlLimits),
      documentCache(),
      ...(deps.plugins ?? []),
      {
        onResponse({ request, response }) {
          for (const cookie of cookieJars.get(request) ?? []) response.headers.append("set-cookie", cookie);
        },
      },
    ],
  });
}
