/**
 * A unique-constraint violation. Over node-postgres Prisma reports it as P2002; the PGlite adapter hands Prisma
 * its errors in an older shape that Prisma 6.19 does not map, so there it arrives as a DriverAdapterError whose
 * cause carries the SQLSTATE (23505); raw statements (Sql) reject with the driver's error, code 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return code === "P2002" || code === "23505" || cause?.code === "23505";
}
