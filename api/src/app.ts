import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDb } from "@parley/db";
import type { Config } from "./config.ts";
import { ChatService } from "./domains/chat/chat.service.ts";
import { AuthService } from "./domains/users/auth.service.ts";
import { UsersService } from "./domains/users/users.service.ts";
import { attachGraphqlWs } from "./graphql/ws.ts";
import { createParleyYoga } from "./graphql/yoga.ts";
import { TokenService } from "./infra/auth.ts";
import { createLogger, type Logger } from "./infra/logger.ts";
import { connectRedis, createEventBus, type EventBus } from "./realtime/event-bus.ts";

export interface App {
  /** Listens on `port` (0 = any free port) and resolves with the bound port. */
  start(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
  logger: Logger;
  bus: EventBus;
}

/** Composition root: database, pub/sub, services, GraphQL over HTTP and WebSocket. */
export async function createApp(config: Config): Promise<App> {
  const logger = createLogger(config.logLevel);
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.embeddedDbDir });
  const bus = createEventBus(config.redisUrl, logger);
  // Shared mode: one command connection for presence, rate limits and locks (pub/sub has its own two).
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger, "commands") : undefined;
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtl, config.refreshTokenTtl);
  const users = new UsersService(db.prisma);
  const services = {
    auth: new AuthService(db.prisma, tokens),
    users,
    chat: new ChatService(db.prisma, db.sql, bus, users, logger),
  };
  const yoga = createParleyYoga({
    prisma: db.prisma,
    bus,
    services,
    cookieSecure: config.cookieSecure,
    tokens,
    logger,
  });
  const server = createServer(yoga);
  const ws = attachGraphqlWs(server, yoga, tokens);

  return {
    logger,
    bus,
    start: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    async stop() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
      await redis?.quit();
      await db.close();
    },
  };
}
