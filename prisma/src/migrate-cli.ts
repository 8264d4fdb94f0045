// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database.
import { createDb } from "./create-db.ts";
import { migrate } from "./migrate.ts";

const db = await createDb({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.PARLEY_DATA_DIR ?? ".parley-data/db",
  migrate: false,
});
try {
  const applied = await migrate(db.sql);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} finally {
  await db.close();
}
