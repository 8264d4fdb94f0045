import type { Server } from "node:http";
import type { ExecutionArgs } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { accessTokenFrom, type TokenService } from "../infra/auth.ts";
import type { ParleyYoga } from "./yoga.ts";

/** Per-socket state kept by graphql-ws beside the socket and upgrade request. */
type SocketState = {
  token: string | undefined;
  expiryTimer: NodeJS.Timeout;
};

type Enveloped = ReturnType<ParleyYoga["getEnveloped"]>;

/** graphql-ws on /graphql. Auth at connect and again per operation; token expiry closes with 4403. */
export function attachGraphqlWs(server: Server, yoga: ParleyYoga, tokens: TokenService) {
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
        return true;
      },
      onClose: (ctx) => clearTimeout(ctx.extra.expiryTimer),
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = yoga.getEnveloped({ transport: "ws", token: ctx.extra.token });
        const document = enveloped.parse(payload.query);
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
