import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

const config = await loadConfig();
const app = await createApp(config);
const port = await app.start();
const mode = config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.embeddedDbDir}`;
app.logger.info(
  `Parley is listening on http://localhost:${port}/graphql (${mode}; pub/sub: ${config.redisUrl ? "Redis" : "in-memory"})`,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal}: shutting down`);
    await app.stop();
    process.exit(0);
  });
}
