import type { Server } from "node:http";
import { type DocumentNode, type ExecutionArgs, GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { PresenceService, PresenceSocket } from "../domains/presence/presence.service.ts";
import { accessTokenFrom, type TokenService } from "../infra/auth.ts";
import type { ParleyYoga } from "./yoga.ts";

/** Per-socket state kept by graphql-ws beside the socket and upgrade request. */
type SocketState = {
  token: string | undefined;
  expiryTimer: NodeJS.Timeout;
  /** this socket as presence counts it, once authenticated */
  presence: PresenceSocket | undefined;
};

type Enveloped = ReturnType<ParleyYoga["getEnveloped"]>;

/** graphql-ws on /graphql. Auth at connect and again per operation; token expiry closes with 4403. */
export function attachGraphqlWs(
  server: Server,
  yoga: ParleyYoga,
  tokens: TokenService,
  presence: Pick<PresenceService, "openSocket">,
) {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 64 * 1024 });
  const disposable = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      onConnect: async (ctx) => {
        // connectionParams: { authorization: "Bearer …" } or { accessToken: "…" }; else the upgrade cookie
        const params = ctx.connectionParams;
        const token =
          stringParam(params?.accessToken) ??
          accessTokenFrom({
            authorization: stringParam(params?.authorization),
            cookie: ctx.extra.request.headers.cookie,
          });
        const check = await tokens.verifyAccess(token);
        if (!check.ok) return false;
        ctx.extra.token = token;
        const ms = check.claims.exp * 1000 - Date.now();
        ctx.extra.expiryTimer = setTimeout(() => ctx.extra.socket.close(CloseCode.Forbidden, "Token expired"), ms);
        // An open socket keeps its user online (protocol §7): recorded before the ack.
        ctx.extra.presence = presence.openSocket(check.claims.userId);
        await ctx.extra.presence.opened;
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        void ctx.extra.presence?.close();
      },
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = yoga.getEnveloped({ transport: "ws", token: ctx.extra.token });
        let document: DocumentNode;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          // A syntax error or the token limit: refuse this operation as HTTP would, instead of the socket (4500).
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        const args: ExecutionArgs & { rootValue: Enveloped } = {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: enveloped,
        };
        return args;
      },
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    },
    wss,
  );
  return {
    wss,
    async close() {
      for (const client of wss.clients) client.close(1001, "Server shutting down");
      await disposable.dispose();
    },
  };
}

const stringParam = (value: unknown) => (typeof value === "string" ? value : undefined);
