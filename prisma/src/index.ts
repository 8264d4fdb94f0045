export * from "../generated/prisma/client.ts";
export { createDb, type Db, type DbConfig, type PoolUse } from "./create-db.ts";
export { migrate, readMigrations } from "./migrate.ts";
export type { Sql, SqlTx } from "./sql.ts";
