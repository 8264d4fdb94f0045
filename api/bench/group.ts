// The group case: one group of M members (default 256), every member connected and subscribed. Messages go to the
// group at a fixed rate R, from the members in turn, driven by a 1 ms timer whatever has arrived (open loop). A
// message is delivered once every other member has it: its latency is the last member's, from just before the
// send. Parley: createGroup, chatEvents on each socket, sendMessage over the sender's socket. Relay: one room.
import { BenchSocket, type Handlers } from "./clients.ts";
import { type BenchUser, createGroup, createUsers } from "./setup.ts";
import { cpuMeter, pool, round, rssPeak, type Summary, sleep, summarize } from "./stats.ts";
import type { Target } from "./targets.ts";

export interface GroupFigures {
  rate: number;
  duration_s: number;
  members: number;
  sent: number;
  achieved_rate: number;
  /** messages every other member received */
  complete: number;
  /** member deliveries missing after the drain */
  lost_deliveries: number;
  /** send → the last member has it */
  last_member_ms: Summary;
  /** send → each member has it */
  delivery_ms: Summary;
  ack_ms: Summary;
  errors: number;
  server_cpu_us_per_msg: number;
  db_cpu_us_per_msg: number;
  rss_peak_mib: number;
  /** every member had every message (within the 10 s drain), no error */
  lossless: boolean;
  /** lossless and last-member p99 < 100 ms */
  held: boolean;
}

interface Round {
  base: number;
  /** per message: members that have it */
  count: Uint16Array;
  /** per message: send time */
  sentAt: Float64Array;
  lastMember: number[];
  deliveries: number[];
  acks: number[];
  /** seq * members + receiver: that member has that message */
  got: Uint8Array;
}

/** A connected, warmed-up group on one server: measure() as many rounds as wanted, then close(). */
export async function openGroup(target: Target, members: number, log: (line: string) => void) {
  const users = await createUsers(target, members);
  const chat = await createGroup(target, users);
  const others = members - 1;
  let round_: Round | null = null;
  let warmCount = 0;
  let errors = 0;
  const samples: string[] = [];
  const senderOf = (i: number) => i % members;
  const handlers: Handlers = {
    chat(receiver, seq) {
      const now = performance.now();
      if (seq < 0) {
        if (receiver !== 0) warmCount++;
        return;
      }
      const r = round_;
      if (!r || seq < r.base || seq >= r.base + r.count.length) return; // a straggler of an earlier round
      const i = seq - r.base;
      if (receiver === senderOf(i) || r.got[i * members + receiver]) return; // Parley echoes to the sender too
      r.got[i * members + receiver] = 1;
      const ms = now - r.sentAt[i]!;
      r.deliveries.push(ms);
      if (++r.count[i]! === others) r.lastMember.push(ms);
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
  const sockets = users.map((user: BenchUser, i) => new BenchSocket(i, target, handlers, user.token));
  await pool(members, 50, async (i) => {
    await sockets[i]!.connect();
    await sockets[i]!.subscribeChat(chat);
  });
  // Warmup: one message from member 0 until every other member has had it.
  const warmDeadline = performance.now() + 30_000;
  sockets[0]!.send(chat, -1, false);
  while (warmCount < others && performance.now() < warmDeadline) await sleep(10);
  if (warmCount < others) throw new Error(`${target.name}: warmup incomplete, ${warmCount} of ${others} members`);
  await sleep(500);
  log(`${target.name}: a group of ${members} connected and warm`);

  const cpu = cpuMeter(() => [target.pid]);
  let nextSeq = 0;

  async function measure(rate: number, seconds: number, drainSeconds = 10): Promise<GroupFigures> {
    const total = Math.max(1, Math.round(rate * seconds));
    const r: Round = {
      base: nextSeq,
      count: new Uint16Array(total),
      sentAt: new Float64Array(total),
      lastMember: [],
      deliveries: [],
      acks: [],
      got: new Uint8Array(total * members),
    };
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
          r.sentAt[i] = sockets[senderOf(i)]!.send(chat, r.base + i, true);
        }
        if (sent >= total || performance.now() > t0 + seconds * 1000 + 5000) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    const drainUntil = performance.now() + drainSeconds * 1000;
    while (performance.now() < drainUntil && (r.lastMember.length < sent || pending() > 0)) await sleep(10);
    for (const pid of await target.databasePids()) dbPids.add(pid);
    const cpuS = cpu.read();
    peak.stop();
    const lastMember = summarize(r.lastMember);
    round_ = null;
    return {
      rate,
      duration_s: seconds,
      members,
      sent,
      achieved_rate: round(sent / sendSeconds, 1),
      complete: r.lastMember.length,
      lost_deliveries: sent * others - r.deliveries.length,
      last_member_ms: lastMember,
      delivery_ms: summarize(r.deliveries),
      ack_ms: summarize(r.acks),
      errors,
      server_cpu_us_per_msg: Math.round((cpuS * 1e6) / sent),
      db_cpu_us_per_msg: Math.round((dbCpu.read() * 1e6) / sent),
      rss_peak_mib: round(peak.read() / 1024, 1),
      lossless: r.lastMember.length === sent && errors === 0,
      held: r.lastMember.length === sent && errors === 0 && (lastMember.p99 ?? Infinity) < 100,
    };
  }

  const pending = () => sockets.reduce((sum, socket) => sum + socket.pendingAcks, 0);

  return {
    errorSamples: samples,
    measure,
    close() {
      for (const socket of sockets) socket.close();
    },
  };
}
