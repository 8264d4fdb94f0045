import pg from "pg";

/**
 * A pg client that sends a query only once the previous one has finished. Prisma's query interpreter loads
 * the relations of one read in parallel, also inside an interactive transaction where they share a single
 * client; pg then warns "client.query() when the client is already executing a query" (pg 9 will refuse).
 * Queries with a callback or a submittable keep pg's own path: the pool's checked-out-for-one-query calls.
 */
export class SerialClient extends pg.Client {
  #tail: Promise<unknown> = Promise.resolve();

  // biome-ignore lint/suspicious/noExplicitAny: forwards every overload of pg's query unchanged
  override query(...args: any[]): any {
    const run = () => Reflect.apply(super.query, this, args);
    if (typeof args.at(-1) === "function" || typeof args[0]?.submit === "function") return run();
    const result = this.#tail.then(run);
    this.#tail = result.catch(() => {});
    return result;
  }
}
