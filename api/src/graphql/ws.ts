import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type DocumentNode, type ExecutionArgs, GraphQLError } from "graphql";
import { CloseCode, makeServer, type ServerOptions } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { PresenceService, PresenceSocket } from "../domains/presence/presence.service.ts";
import type { Sessions } from "../domains/users/sessions.ts";
import { accessTokenFrom } from "../infra/auth.ts";
import { clientAddress } from "../infra/client-address.ts";
import { nodeHeaders, type OriginPolicy } from "../infra/origin-policy.ts";
import { asUnavailable } from "../infra/unavailable.ts";
import type { SocketSession } from "./context.ts";
import { maskError, ParleyError } from "./errors.ts";
import type { TransportLimits } from "./transport-limits.ts";
import { boundedMessage } from "./transport-plugins.ts";
import type { ParleyYoga } from "./yoga.ts";

/** Parley's own close codes (graphql-ws's are in its CloseCode). */
const ParleyCloseCode = {
  /** the user has WS_MAX_SOCKETS_PER_USER sockets open on this instance (Policy Violation: graphql-ws does not retry) */
  TooManySockets: 1008,
  /** the socket queued more than WS_MAX_BUFFERED_BYTES unsent (Try Again Later: reconnect and catch up by cursor) */
  SlowConsumer: 1013,
  /** the session could not be checked (the database is unreachable): Try Again Later, not 4403 or 4500 */
  Unavailable: 1013,
} as const;

/** Message types only a server sends: from a client they are a protocol error (4400), not an internal one. */
const SERVER_ONLY_TYPES = new Set(["connection_ack", "next", "error"]);

/** Per-socket state kept by graphql-ws beside the socket and upgrade request. */
type SocketState = {
  /** in this socket's operations' log lines */
  id: string;
  token: string | undefined;
  /** with `outlivesToken`: the session its operations act in, instead of the token */
  session: SocketSession | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  /** stops closing this socket when its session ends */
  unwatchSession: () => void;
  /** this socket as presence counts it, once authenticated */
  presence: PresenceSocket | undefined;
  /** set once the socket counts towards its user's WS_MAX_SOCKETS_PER_USER */
  userId: string | undefined;
  /** the client's address (rate limits without a user), read once from the upgrade request */
  clientIp: string;
};

type Enveloped = ReturnType<ParleyYoga["getEnveloped"]>;

/**
 * What a socket is, to the hooks: a `ws` socket and its upgrade request, or the in-process legacy bridge's
 * pipe (api/src/legacy/in-process.ts) and the legacy upgrade request.
 */
export interface WsExtra {
  socket: { close(code?: number, reason?: string): void; readonly bufferedAmount: number };
  request: { headers: IncomingHttpHeaders; socket: { remoteAddress?: string } };
  /**
   * Set only by the in-process legacy bridge, never reachable from a client: a legacy socket lives as long as
   * its session, not its access token (protocol §1.4), yet still ends when the session ends.
   */
  outlivesToken?: true;
}

export type GraphqlWsOptions = ServerOptions<Record<string, unknown> | undefined, WsExtra & Partial<SocketState>>;

export interface WsOptions {
  originPolicy: OriginPolicy;
  limits: TransportLimits;
  /** proxies in front of the app that append to X-Forwarded-For (TRUST_PROXY) */
  trustProxy: number;
}

/**
 * graphql-ws on /graphql (upgrades handed over by `handleUpgrade`), and `server` for in-process sockets (the
 * legacy bridge): one set of hooks, so both count alike for presence, socket caps, limits and ended sessions.
 * Auth at connect and again per operation; token expiry closes with 4403. A cookie from an untrusted origin
 * is refused at the upgrade (403), before any frame.
 */
export function attachGraphqlWs(
  yoga: ParleyYoga,
  sessions: Sessions,
  presence: Pick<PresenceService, "openSocket">,
  { originPolicy, limits, trustProxy }: WsOptions,
) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxRequestBytes,
    verifyClient: ({ req }, done) =>
      originPolicy.refusesUpgrade(nodeHeaders(req.headers)) ? done(false, 403, "Origin not allowed") : done(true),
  });
  const options = graphqlWsOptions(yoga, sessions, presence, limits, trustProxy);
  const disposable = useServer(options, wss);
  return {
    wss,
    /** in-process sockets: `server.opened(socket, extra)` */
    server: makeServer(options),
    /** Takes an upgrade to the GraphQL endpoint; false for any other path. */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if ((request.url ?? "").split("?")[0] !== yoga.graphqlEndpoint) return false;
      wss.handleUpgrade(request, socket, head, (client) => wss.emit("connection", client, request));
      return true;
    },
    async close() {
      for (const client of wss.clients) client.close(1001, "Server shutting down");
      await disposable.dispose();
    },
  };
}

function graphqlWsOptions(
  yoga: ParleyYoga,
  sessions: Sessions,
  presence: Pick<PresenceService, "openSocket">,
  limits: TransportLimits,
  trustProxy: number,
): GraphqlWsOptions {
  const sockets = new SocketsPerUser(limits.maxSocketsPerUser);
  return {
    jsonMessageReviver: refuseServerOnlyTypes,
    onConnect: async (ctx) => {
      // connectionParams: { authorization: "Bearer …" } or { accessToken: "…" }; else the upgrade cookie
      const params = ctx.connectionParams;
      const token =
        stringParam(params?.accessToken) ??
        accessTokenFrom({
          authorization: stringParam(params?.authorization),
          cookie: ctx.extra.request.headers.cookie,
        });
      const check = await sessions.resolve(token).catch((error: unknown) => {
        if (!asUnavailable(error)) throw error;
        ctx.extra.socket.close(ParleyCloseCode.Unavailable, "Unavailable: try again shortly");
        return undefined;
      });
      if (!check?.ok) return false;
      if (!sockets.open(check.viewer.id)) {
        ctx.extra.socket.close(ParleyCloseCode.TooManySockets, `Too many sockets (limit ${limits.maxSocketsPerUser})`);
        return false;
      }
      ctx.extra.userId = check.viewer.id;
      const { socket, headers } = ctx.extra.request;
      ctx.extra.clientIp = clientAddress(socket.remoteAddress, headers["x-forwarded-for"]?.toString(), trustProxy);
      ctx.extra.token = token;
      ctx.extra.id = randomUUID();
      if (ctx.extra.outlivesToken) {
        ctx.extra.session = { userId: check.viewer.id, sessionId: check.viewer.sessionId };
      } else {
        const ms = check.viewer.tokenExp * 1000 - Date.now();
        ctx.extra.expiryTimer = setTimeout(() => ctx.extra.socket.close(CloseCode.Forbidden, "Token expired"), ms);
      }
      ctx.extra.unwatchSession = sessions.watch(check.viewer.sessionId, () =>
        ctx.extra.socket.close(CloseCode.Forbidden, "Session ended"),
      );
      // An open socket keeps its user online (protocol §7): recorded before the ack.
      ctx.extra.presence = presence.openSocket(check.viewer.id);
      await ctx.extra.presence.opened;
      return { userId: check.viewer.id }; // the ack tells a client who it is (the bridge needs no query for it)
    },
    onClose: (ctx) => {
      clearTimeout(ctx.extra.expiryTimer);
      ctx.extra.unwatchSession?.();
      void ctx.extra.presence?.close();
      if (ctx.extra.userId) sockets.close(ctx.extra.userId);
    },
    onSubscribe: async (ctx, id, payload) => {
      // graphql-ws has already reserved this operation's id, so it counts itself
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
        const message = `Too many operations on this socket (limit ${limits.maxSubscriptionsPerSocket}).`;
        return [new ParleyError("RATE_LIMITED", message, { limit: "maxSubscriptionsPerSocket" })];
      }
      const enveloped = yoga.getEnveloped({
        transport: "ws",
        token: ctx.extra.token,
        session: ctx.extra.session,
        socketId: ctx.extra.id,
        operationId: id,
        clientIp: ctx.extra.clientIp,
      });
      let document: DocumentNode;
      try {
        document = enveloped.parse(payload.query);
      } catch (error) {
        // A syntax error or the token limit: refuse this operation as HTTP would, instead of the socket (4500).
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      const errors = enveloped.validate(enveloped.schema, document);
      if (errors.length > 0) return errors.map(boundedMessage);
      let contextValue: unknown;
      try {
        contextValue = await enveloped.contextFactory();
      } catch (error) {
        // e.g. the session check cannot reach the database: this operation fails (UNAVAILABLE), not the socket (4500)
        const masked = maskError(error, UNEXPECTED);
        if (masked.message === UNEXPECTED) yoga.logger.error(error);
        return [asGraphqlError(masked)];
      }
      const args: ExecutionArgs & { rootValue: Enveloped } = {
        schema: enveloped.schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
        rootValue: enveloped,
      };
      return args;
    },
    // Checked before each event: a client that stopped reading is closed before its queue grows further.
    onNext: ({ extra: { socket } }) => {
      if (socket.bufferedAmount > limits.maxBufferedBytes) {
        socket.close(ParleyCloseCode.SlowConsumer, "Too slow: reconnect and catch up");
      }
    },
    execute: (args) => (args.rootValue as Enveloped).execute(args),
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
  };
}

const UNEXPECTED = "Unexpected error.";

const asGraphqlError = (error: Error) =>
  boundedMessage(error instanceof GraphQLError ? error : new GraphQLError(error.message));

const stringParam = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * JSON.parse reviver of incoming messages: at the root (key ""), a server-only type throws, which graphql-ws
 * answers like any invalid message (4400) instead of failing later in its handler (4500).
 */
function refuseServerOnlyTypes(key: string, value: unknown) {
  const type = key === "" && typeof value === "object" && value ? (value as { type?: unknown }).type : undefined;
  if (typeof type === "string" && SERVER_ONLY_TYPES.has(type)) throw new Error(`A client may not send ${type}`);
  return value;
}

/** Open sockets per user on this instance. */
class SocketsPerUser {
  readonly #open = new Map<string, number>();
  constructor(readonly max: number) {}

  /** Counts a socket for `userId`, unless the user already has `max`. */
  open(userId: string): boolean {
    const count = this.#open.get(userId) ?? 0;
    if (count >= this.max) return false;
    this.#open.set(userId, count + 1);
    return true;
  }

  close(userId: string) {
    const count = (this.#open.get(userId) ?? 1) - 1;
    if (count > 0) this.#open.set(userId, count);
    else this.#open.delete(userId);
  }
}
