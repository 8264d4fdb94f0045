import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { DEFAULT_SHUTDOWN_TIMEOUT_S } from "./infra/drain.ts";

/** Past the graceful stop's own bound, a stop that still hangs (a stuck connection close) ends the process. */
const HARD_STOP_GRACE_MS = 5000;

const config = await loadConfig();
const app = await createApp(config);
const port = await app.start();
const mode = config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.embeddedDbDir}`;
app.logger.info(
  { port, pubsub: config.redisUrl ? "redis" : "in-memory" },
  `Parley is listening on http://localhost:${port}/graphql (${mode}; pub/sub: ${config.redisUrl ? "Redis" : "in-memory"})`,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down gracefully");
    const hardStop = setTimeout(
      () => {
        app.logger.error("graceful stop did not finish in time; exiting");
        process.exit(1);
      },
      (config.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_S) * 1000 + HARD_STOP_GRACE_MS,
    );
    hardStop.unref();
    try {
      await app.stop();
      app.logger.info("stopped");
      process.exit(0);
    } catch (error) {
      app.logger.error({ err: error }, "graceful stop failed");
      process.exit(1);
    }
  });
}
