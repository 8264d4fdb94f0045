// The pairs case: N sockets in N/2 1:1 chats, a fixed aggregate rate R for T seconds driven by a 1 ms timer whatever
// has arrived (open loop). Latency at the receiving peer from just before the send; ack latency at the sender.
import { BenchSocket, type Handlers } from "./clients.ts";
import { type BenchUser, countStored, createUsers, openChats } from "./setup.ts";
import { cpuMeter, pool, round, rssKb, rssPeak, type Summary, sleep, summarize } from "./stats.ts";
import type { Target } from "./targets.ts";

export interface PairsFigures {
  rate: number;
  duration_s: number;
  sent: number;
  achieved_rate: number;
  delivered: number;
  lost: number;
  latency_ms: Summary;
  ack_ms: Summary;
  errors: number;
  server_cpu_us_per_msg: number;
  db_cpu_us_per_msg: number;
  server_cpu_pct: number;
  rss_peak_mib: number;
  /** loss 0, p99 < 100 ms, no error */
  held: boolean;
}

interface Round {
  base: number;
  got: Uint8Array;
  latencies: number[];
  acks: number[];
}

/** A connected, warmed-up set of pairs on one server: measure() as many rounds as wanted, then close(). */
export async function openPairs(target: Target, n: number, log: (line: string) => void) {
  const users = await createUsers(target, n);
  const chats = await openChats(target, users);
  const pairs = n >> 1;
  let round_: Round | null = null;
  const warm = new Uint8Array(n); // warmup message w = 2k + direction has reached its peer
  let errors = 0;
  let sentTotal = 0;
  const samples: string[] = [];
  const senderOf = (seq: number, base: number) => {
    const i = seq - base;
    return 2 * (i % pairs) + (Math.floor(i / pairs) % 2);
  };
  const handlers: Handlers = {
    chat(receiver, seq, sentAt) {
      const now = performance.now();
      if (seq < 0) {
        const w = -seq - 1;
        if (receiver !== w) warm[w] = 1; // w is the sender's index
        return;
      }
      const r = round_;
      if (!r || seq < r.base || seq >= r.base + r.got.length) return; // a straggler of an earlier round
      if (receiver === senderOf(seq, r.base)) return; // Parley also delivers to the sender's own sockets
      const i = seq - r.base;
      if (r.got[i]) return;
      r.got[i] = 1;
      r.latencies.push(now - sentAt);
    },
    ack(sentAt, ok) {
      if (!ok) errors++;
      else if (sentAt >= 0 && round_) round_.acks.push(performance.now() - sentAt);
    },
    presence() {},
    error(text) {
      errors++;
      if (samples.length < 5) samples.push(text);
    },
  };
  const sockets = users.map((user: BenchUser, i) => new BenchSocket(i, target, handlers, user.token, user.username));
  await pool(n, 50, async (i) => {
    await sockets[i]!.connect();
    await sockets[i]!.subscribeChat(chats[i >> 1]!);
  });
  const rssConnectedKb = rssKb(target.pid);

  // Warmup: one message each way per chat, 50 at a time, until every route has delivered once.
  const warmDeadline = performance.now() + 60_000;
  for (let start = 0; start < n && performance.now() < warmDeadline; ) {
    const chunk = Array.from({ length: Math.min(50, n - start) }, (_, j) => start + j).filter((w) => !warm[w]);
    if (!chunk.length) {
      start += 50;
      continue;
    }
    for (const w of chunk) {
      sockets[w]!.send(chats[w >> 1]!, -(w + 1), false);
      sentTotal++;
    }
    const until = performance.now() + 1000;
    while (performance.now() < until && chunk.some((w) => !warm[w])) await sleep(5);
  }
  if (warm.some((x) => !x)) throw new Error(`${target.name}: warmup incomplete, some chats never delivered`);
  await sleep(500);
  log(`${target.name}: ${n} sockets in ${pairs} chats connected and warm`);

  const cpu = cpuMeter(() => [target.pid]);
  let nextSeq = 0;

  async function measure(rate: number, seconds: number, drainSeconds = 10): Promise<PairsFigures> {
    const total = Math.max(1, Math.round(rate * seconds));
    const r: Round = { base: nextSeq, got: new Uint8Array(total), latencies: [], acks: [] };
    nextSeq += total;
    round_ = r;
    errors = 0;
    const dbPids = new Set(await target.databasePids());
    const dbCpu = cpuMeter(() => [...dbPids]);
    const peak = rssPeak(target.pid);
    cpu.mark();
    dbCpu.mark();
    const t0 = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
        while (sent < due) {
          const i = sent++;
          sockets[senderOf(r.base + i, r.base)]!.send(chats[i % pairs]!, r.base + i, true);
        }
        if (sent >= total || performance.now() > t0 + seconds * 1000 + 5000) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    sentTotal += sent;
    const drainUntil = performance.now() + drainSeconds * 1000;
    while (performance.now() < drainUntil && (r.latencies.length < sent || pending() > 0)) await sleep(10);
    for (const pid of await target.databasePids()) dbPids.add(pid);
    const cpuS = cpu.read();
    const wall = (performance.now() - t0) / 1000;
    peak.stop();
    const latency = summarize(r.latencies);
    const figures: PairsFigures = {
      rate,
      duration_s: seconds,
      sent,
      achieved_rate: round(sent / sendSeconds, 1),
      delivered: r.latencies.length,
      lost: sent - r.latencies.length,
      latency_ms: latency,
      ack_ms: summarize(r.acks),
      errors,
      server_cpu_us_per_msg: Math.round((cpuS * 1e6) / sent),
      db_cpu_us_per_msg: Math.round((dbCpu.read() * 1e6) / sent),
      server_cpu_pct: round((cpuS / wall) * 100, 1),
      rss_peak_mib: round(peak.read() / 1024, 1),
      held: sent === r.latencies.length && errors === 0 && (latency.p99 ?? Infinity) < 100,
    };
    round_ = null;
    return figures;
  }

  const pending = () => sockets.reduce((sum, socket) => sum + socket.pendingAcks, 0);

  return {
    rssConnectedKb,
    errorSamples: samples,
    measure,
    /** Every message sent so far (warmup included) against the rows the database holds. */
    async persisted() {
      const until = performance.now() + 10_000;
      while (performance.now() < until && pending() > 0) await sleep(20);
      return target.kind === "relay" ? null : { sent: sentTotal, stored: await countStored(target, users, chats) };
    },
    close() {
      for (const socket of sockets) socket.close();
    },
  };
}
