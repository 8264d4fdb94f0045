// The idle case: memory per authenticated socket at N sockets, idle and then with one subscription each.
import { BenchSocket, type Handlers } from "./clients.ts";
import { createUsers } from "./setup.ts";
import { pool, round, rssKb, sleep } from "./stats.ts";
import type { Target } from "./targets.ts";

export interface IdleFigures {
  sockets: number;
  users: number;
  rss_before_mib: number;
  rss_idle_mib: number;
  rss_subscribed_mib: number;
  idle_kb_per_socket: number;
  subscribed_kb_per_socket: number;
}

const SETTLE_MS = 3000;

export async function runIdle(target: Target, n: number, socketsPerUser: number): Promise<IdleFigures> {
  const users = await createUsers(target, Math.ceil(n / socketsPerUser));
  const handlers: Handlers = { chat() {}, ack() {}, presence() {}, error: (text) => console.error(text) };
  const sockets = Array.from(
    { length: n },
    (_, i) => new BenchSocket(i, target, handlers, users[i % users.length]!.token),
  );
  await sleep(SETTLE_MS);
  const before = rssKb(target.pid) ?? 0;
  await pool(n, 50, (i) => sockets[i]!.connect());
  await sleep(SETTLE_MS);
  const idle = rssKb(target.pid) ?? 0;
  await pool(n, 50, (i) => sockets[i]!.subscribeChat(`idle${i}`));
  await sleep(SETTLE_MS);
  const subscribed = rssKb(target.pid) ?? 0;
  for (const socket of sockets) socket.close();
  return {
    sockets: n,
    users: users.length,
    rss_before_mib: round(before / 1024, 1),
    rss_idle_mib: round(idle / 1024, 1),
    rss_subscribed_mib: round(subscribed / 1024, 1),
    idle_kb_per_socket: round((idle - before) / n, 1),
    subscribed_kb_per_socket: round((subscribed - before) / n, 1),
  };
}
