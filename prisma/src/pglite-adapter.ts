import type { PGlite } from "@electric-sql/pglite";
import type { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * The PGlite driver adapter, typed as the PostgreSQL one: pglite-prisma-adapter is typed against an older
 * @prisma/driver-adapter-utils than Prisma 6.19, but the runtime contract is the same.
 */
export const pgliteAdapter = (pglite: PGlite) => new PrismaPGlite(pglite) as unknown as PrismaPg;
