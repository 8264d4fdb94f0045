// The broadcast case: N sockets subscribed to presence; each event is one extra user's socket connecting (Parley:
// its user comes online; relay: it announces itself), which must reach all N. Reports, per event, when the last
// of the N had it. With `followers` (--followers F), the N watch presenceEvents(scope: FRIENDS) instead and each
// extra user is followed by F of them: each event must reach those F only (what a scoped change costs).
import { BenchSocket, type Handlers } from "./clients.ts";
import { createUsers, follow } from "./setup.ts";
import { cpuMeter, median, pool, round, rssPeak, type Summary, sleep, summarize } from "./stats.ts";
import type { Target } from "./targets.ts";

export interface BroadcastFigures {
  subscribers: number;
  events: number;
  complete_events: number;
  last_client_ms: Summary;
  delivery_ms: Summary;
  lost_deliveries: number;
  server_cpu_us_per_delivery: number;
  server_cpu_us_per_event: number;
  /** receivers of each event: N (everyone) or F (friends) */
  receivers: number;
  rss_peak_mib: number;
}

const WARMUP_EVENTS = 10;

export async function runBroadcast(
  target: Target,
  n: number,
  rate: number,
  seconds: number,
  followers?: number,
): Promise<BroadcastFigures> {
  const events = Math.max(1, Math.round(rate * seconds));
  const users = await createUsers(target, n + events + WARMUP_EVENTS);
  const receivers = followers ?? n;
  // friends scope: event j's user is followed by subscribers (j * F + k) % N, k < F
  const followersOf = (j: number) => Array.from({ length: receivers }, (_, k) => (j * receivers + k) % n);
  if (followers !== undefined) {
    const follows = Array.from({ length: events + WARMUP_EVENTS }, (_, j) =>
      followersOf(j).map((i) => [i, n + j] as const),
    ).flat();
    await pool(follows.length, 16, async (f) => {
      const [follower, followed] = follows[f]!;
      await follow(target, users[follower]!, users[followed]!);
    });
  }
  const byUser = new Map<string, { index: number; openedAt: () => number }>(); // extra user -> its event
  const got = new Uint8Array((events + WARMUP_EVENTS) * n);
  const count = new Uint32Array(events + WARMUP_EVENTS);
  const last = new Float64Array(events + WARMUP_EVENTS);
  const deliveries: number[] = [];
  const handlers: Handlers = {
    presence(receiver, username, online) {
      const event = online ? byUser.get(username) : undefined;
      if (!event || got[event.index * n + receiver]) return;
      got[event.index * n + receiver] = 1;
      const ms = performance.now() - event.openedAt();
      count[event.index]!++;
      last[event.index] = Math.max(last[event.index]!, ms);
      if (event.index >= WARMUP_EVENTS) deliveries.push(ms);
    },
    chat() {},
    ack() {},
    error: (text) => console.error(text),
  };
  const quiet: Handlers = { ...handlers, presence() {} };
  const subscribers = users.slice(0, n).map((user, i) => new BenchSocket(i, target, handlers, user.token));
  await pool(n, 50, async (i) => subscribers[i]!.connect());
  await pool(n, 50, async (i) => subscribers[i]!.subscribePresence(followers === undefined ? "EVERYONE" : "FRIENDS"));
  await sleep(1000); // the N's own ONLINE events land before the measurement
  const extras: BenchSocket[] = [];
  const fire = (index: number) => {
    const user = users[n + index]!;
    const socket = new BenchSocket(n + index, target, quiet, user.token);
    extras.push(socket);
    byUser.set(user.username, { index, openedAt: () => socket.openedAt });
    socket.connect().then(
      () => socket.announce(user.username),
      (error) => console.error(String(error)),
    );
  };
  for (let w = 0; w < WARMUP_EVENTS; w++) {
    fire(w);
    const until = performance.now() + 2000;
    while (performance.now() < until && count[w]! < receivers) await sleep(10);
  }
  const cpu = cpuMeter(() => [target.pid]);
  const peak = rssPeak(target.pid);
  cpu.mark();
  const t0 = performance.now();
  for (let j = 0; j < events; j++) {
    await sleep(Math.max(0, t0 + (j * 1000) / rate - performance.now()));
    fire(WARMUP_EVENTS + j);
  }
  const until = performance.now() + 10_000;
  while (performance.now() < until && deliveries.length < events * receivers) await sleep(10);
  const cpuS = cpu.read();
  peak.stop();
  const complete: number[] = [];
  for (let j = WARMUP_EVENTS; j < WARMUP_EVENTS + events; j++) if (count[j] === receivers) complete.push(last[j]!);
  for (const socket of [...subscribers, ...extras]) socket.close();
  return {
    subscribers: n,
    events,
    complete_events: complete.length,
    last_client_ms: summarize(complete),
    delivery_ms: summarize(deliveries),
    lost_deliveries: events * receivers - deliveries.length,
    server_cpu_us_per_delivery: round((cpuS * 1e6) / Math.max(1, deliveries.length), 1),
    server_cpu_us_per_event: round((cpuS * 1e6) / events, 1),
    receivers,
    rss_peak_mib: round(peak.read() / 1024, 1),
  };
}

export const lastClientP50 = (runs: BroadcastFigures[]) => median(runs.map((r) => r.last_client_ms.p50 ?? NaN));
