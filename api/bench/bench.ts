// npm run bench: an open-loop load generator beside a plain ws relay (the floor), in one run. See README "Benchmark".
//   npm run bench -- --case pairs|broadcast|idle|sweep --mode shared|embedded --n N --rate R --duration T --repeat K
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type BroadcastFigures, runBroadcast } from "./broadcast.ts";
import { type IdleFigures, runIdle } from "./idle.ts";
import { openPairs, type PairsFigures } from "./pairs.ts";
import { median, round, rssKb } from "./stats.ts";
import { startParley, startRelay, type Target } from "./targets.ts";

const { values: flags } = parseArgs({
  options: {
    case: { type: "string", default: "pairs" },
    mode: { type: "string", default: "shared" },
    n: { type: "string" },
    rate: { type: "string" },
    rates: { type: "string" },
    duration: { type: "string", default: "10" },
    repeat: { type: "string", default: "1" },
    prime: { type: "string", default: "3" },
    targets: { type: "string" },
    "sockets-per-user": { type: "string", default: "1" },
    "cpu-prof": { type: "string" },
    api: { type: "string" },
    json: { type: "string", default: new URL("results/latest.json", import.meta.url).pathname },
    "max-wall": { type: "string", default: "1200" },
  },
});
const benchCase = oneOf(flags.case, ["pairs", "broadcast", "idle", "sweep"] as const, "--case");
const mode = oneOf(flags.mode, ["shared", "embedded"] as const, "--mode");
const n = int(flags.n ?? (benchCase === "idle" ? "10000" : "1000"), "--n");
if (benchCase !== "idle" && benchCase !== "broadcast" && n % 2) throw new Error("--n must be even for pairs");
const rate = Number(flags.rate ?? (benchCase === "broadcast" ? "2" : "500"));
const duration = Number(flags.duration);
const repeat = int(flags.repeat, "--repeat");
const defaultRates = mode === "embedded" ? "100,250,500,750,1000,1500" : "500,1000,1500,2000,3000,4000";
const rates = (flags.rates ?? defaultRates).split(",").map(Number);
// The bridge (legacy /ws/events/ clients) speaks chat only: pairs and sweep.
const chatCase = benchCase === "pairs" || benchCase === "sweep";
const targetNames = (flags.targets ?? (chatCase ? "relay,parley,bridge" : "relay,parley"))
  .split(",")
  .map((name) => oneOf(name, ["relay", "parley", "bridge"] as const, "--targets"));
if (!chatCase && targetNames.includes("bridge")) throw new Error("--targets bridge: only with --case pairs or sweep");
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

const hardStop = setTimeout(() => {
  log(`--max-wall ${flags["max-wall"]} s reached: stopping`);
  process.exit(3);
}, int(flags["max-wall"], "--max-wall") * 1000);

type CaseResult =
  | { pairs: PairsFigures[]; persisted: { sent: number; stored: number } | null }
  | { broadcast: BroadcastFigures[] }
  | { idle: IdleFigures[] }
  | { sweep: PairsFigures[]; highest_held: number | null; persisted: { sent: number; stored: number } | null };
interface TargetResult {
  name: string;
  rss_start_mib: number;
  rss_connected_mib?: number;
  result: CaseResult;
}

async function measure(target: Target): Promise<TargetResult> {
  const rssStart = round((rssKb(target.pid) ?? 0) / 1024, 1);
  const base = { name: target.name, rss_start_mib: rssStart };
  if (benchCase === "broadcast") {
    const runs: BroadcastFigures[] = [];
    for (let i = 0; i < repeat; i++) runs.push(await runBroadcast(target, n, rate, duration));
    return { ...base, result: { broadcast: runs } };
  }
  if (benchCase === "idle") {
    const runs = [await runIdle(target, n, int(flags["sockets-per-user"], "--sockets-per-user"))];
    return { ...base, result: { idle: runs } };
  }
  const session = await openPairs(target, n, log);
  try {
    const runs: PairsFigures[] = [];
    const plan = benchCase === "sweep" ? rates : Array.from({ length: repeat }, () => rate);
    // An unmeasured round first: the server's first seconds under load (JIT, pools, caches) are not its steady state.
    const prime = Number(flags.prime);
    if (prime > 0)
      log(`${target.name} priming ${plan[0]}/s for ${prime} s: ${line(await session.measure(plan[0]!, prime))}`);
    for (const r of plan) {
      const figures = await session.measure(r, duration);
      runs.push(figures);
      log(`${target.name} ${r}/s: ${line(figures)}`);
      // One rate missed can be the machine's other load: the sweep ends at the second miss in a row.
      if (benchCase === "sweep" && !figures.held && runs.length > 1 && !runs[runs.length - 2]!.held) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const persisted = await session.persisted();
    if (session.errorSamples.length) log(`${target.name} errors, e.g.: ${session.errorSamples.join(" | ")}`);
    const connected = { ...base, rss_connected_mib: round((session.rssConnectedKb ?? 0) / 1024, 1) };
    if (benchCase === "pairs") return { ...connected, result: { pairs: runs, persisted } };
    const held = runs.filter((f) => f.held).map((f) => f.rate);
    return { ...connected, result: { sweep: runs, highest_held: held.length ? Math.max(...held) : null, persisted } };
  } finally {
    session.close();
  }
}

const line = (f: PairsFigures) =>
  `p50 ${f.latency_ms.p50} p99 ${f.latency_ms.p99} ms, ack p50 ${f.ack_ms.p50} ms, lost ${f.lost}/${f.sent}, ` +
  `errors ${f.errors}, cpu ${f.server_cpu_us_per_msg} µs/msg (+db ${f.db_cpu_us_per_msg}), ${f.held ? "held" : "NOT held"}`;

const results: TargetResult[] = [];
for (const name of targetNames) {
  log(
    `starting ${name === "relay" ? "the ws relay" : `Parley (${mode})${name === "bridge" ? " for the bridge" : ""}`}`,
  );
  const nodeArgs = flags["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${flags["cpu-prof"]}`] : [];
  const legacy = name === "bridge";
  const target =
    name === "relay" ? await startRelay() : await startParley({ mode, apiDir: flags.api, nodeArgs, legacy });
  try {
    results.push(await measure(target));
  } finally {
    await target.stop();
  }
}
clearTimeout(hardStop);

// ---------------------------------------------------------------- table and JSON
type Row = [label: string, pick: (r: TargetResult) => number | null | undefined];
const runsOf = <K extends string>(r: TargetResult, key: K) =>
  ((r.result as Record<string, unknown>)[key] ?? []) as K extends "broadcast" ? BroadcastFigures[] : never;
const pairRuns = (r: TargetResult): PairsFigures[] =>
  "pairs" in r.result ? r.result.pairs : "sweep" in r.result ? r.result.sweep : [];
const med = (r: TargetResult, f: (p: PairsFigures) => number | null) => median(pairRuns(r).map((p) => f(p) ?? NaN));
const rows: Row[] =
  benchCase === "pairs"
    ? [
        ["latency p50 (ms)", (r) => med(r, (p) => p.latency_ms.p50)],
        ["latency p99 (ms)", (r) => med(r, (p) => p.latency_ms.p99)],
        ["ack p50 (ms)", (r) => med(r, (p) => p.ack_ms.p50)],
        ["ack p99 (ms)", (r) => med(r, (p) => p.ack_ms.p99)],
        ["lost", (r) => med(r, (p) => p.lost)],
        ["errors", (r) => med(r, (p) => p.errors)],
        ["server CPU per message (µs)", (r) => med(r, (p) => p.server_cpu_us_per_msg)],
        ["PostgreSQL CPU per message (µs)", (r) => med(r, (p) => p.db_cpu_us_per_msg)],
        ["RSS at start (MiB)", (r) => r.rss_start_mib],
        ["RSS connected (MiB)", (r) => r.rss_connected_mib],
        ["RSS peak (MiB)", (r) => med(r, (p) => p.rss_peak_mib)],
      ]
    : benchCase === "sweep"
      ? [
          ["highest rate held (msg/s)", (r) => ("sweep" in r.result ? r.result.highest_held : null)],
          ["RSS at start (MiB)", (r) => r.rss_start_mib],
        ]
      : benchCase === "broadcast"
        ? [
            ["last client p50 (ms)", (r) => median(runsOf(r, "broadcast").map((b) => b.last_client_ms.p50 ?? NaN))],
            ["last client max (ms)", (r) => median(runsOf(r, "broadcast").map((b) => b.last_client_ms.max ?? NaN))],
            ["delivery p99 (ms)", (r) => median(runsOf(r, "broadcast").map((b) => b.delivery_ms.p99 ?? NaN))],
            ["lost deliveries", (r) => median(runsOf(r, "broadcast").map((b) => b.lost_deliveries))],
            [
              "server CPU per delivery (µs)",
              (r) => median(runsOf(r, "broadcast").map((b) => b.server_cpu_us_per_delivery)),
            ],
            ["RSS at start (MiB)", (r) => r.rss_start_mib],
          ]
        : [
            ["RSS before sockets (MiB)", (r) => idleOf(r)?.rss_before_mib],
            ["KB per socket, idle", (r) => idleOf(r)?.idle_kb_per_socket],
            ["KB per socket, one subscription", (r) => idleOf(r)?.subscribed_kb_per_socket],
          ];
function idleOf(r: TargetResult) {
  return "idle" in r.result ? r.result.idle[0] : undefined;
}

const relay = results.find((r) => r.name === "ws relay");
const others = results.filter((r) => r !== relay);
// The bridge's target (issue 8): its p99 at most 1.25× the GraphQL path's at the same offered rate.
const graphqlPath = results.find((r) => r.name.startsWith("parley"));
const bridgePath = results.find((r) => r.name.startsWith("bridge"));
const bridgeVsGraphql = graphqlPath && bridgePath ? [[bridgePath, graphqlPath] as const] : [];
const header = [
  "",
  ...results.map((r) => r.name),
  ...(relay ? others.map((r) => `${r.name} / relay`) : []),
  ...bridgeVsGraphql.map(() => "bridge / graphql"),
];
const table = rows.map(([label, pick]) => [
  label,
  ...results.map((r) => show(pick(r))),
  ...(relay ? others.map((r) => ratio(pick(r), pick(relay))) : []),
  ...bridgeVsGraphql.map(([b, g]) => ratio(pick(b), pick(g), 2)),
]);
const widths = header.map((_, i) => Math.max(...[header, ...table].map((row) => (row[i] ?? "").length)));
const format = (row: string[]) =>
  row.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
const title =
  benchCase === "pairs"
    ? `pairs: ${n} sockets, ${rate} msg/s for ${duration} s, median of ${repeat}`
    : benchCase === "sweep"
      ? `sweep: ${n} sockets, ${duration} s per rate, rates ${rates.join(",")} (held: loss 0, p99 < 100 ms)`
      : benchCase === "broadcast"
        ? `presence broadcast to ${n}, ${rate} events/s for ${duration} s, median of ${repeat}`
        : `idle: ${n} authenticated sockets`;
console.log(`\n${title} (Parley ${mode})\n${format(header)}\n${table.map(format).join("\n")}`);
for (const [b, g] of bridgeVsGraphql) {
  const p99 = (r: TargetResult) => med(r, (p) => p.latency_ms.p99);
  if (benchCase === "pairs") console.log(`bridge p99 / graphql p99: ${ratio(p99(b), p99(g), 2)} (target ≤ 1.25×)`);
}
for (const r of results) {
  const persisted = "persisted" in r.result ? r.result.persisted : null;
  if (persisted) console.log(`${r.name}: ${persisted.stored} of ${persisted.sent} messages stored`);
}

const report = {
  time: new Date().toISOString(),
  case: benchCase,
  mode,
  n,
  rate,
  rates: benchCase === "sweep" ? rates : undefined,
  duration_s: duration,
  repeat,
  host: { cpus: cpus().length, loadavg: loadavg().map((x) => round(x, 2)) },
  table: Object.fromEntries(table.map(([label, ...cells]) => [label, cells])),
  columns: header.slice(1),
  results,
};
mkdirSync(new URL(".", `file://${flags.json}`), { recursive: true });
writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
console.log(`JSON: ${flags.json}`);
const lostMessages = results.some(
  (r) => "persisted" in r.result && r.result.persisted && r.result.persisted.stored !== r.result.persisted.sent,
);
process.exit(lostMessages ? 1 : 0);

function show(value: number | null | undefined) {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : String(round(value, 2));
}
function ratio(value: number | null | undefined, floor: number | null | undefined, digits = 1) {
  if (value == null || floor == null || Number.isNaN(value) || Number.isNaN(floor) || floor === 0) return "–";
  return `${round(value / floor, digits)}×`;
}
function int(value: string, name: string) {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer`);
  return x;
}
function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${allowed.join(", ")}`);
  return value as T;
}
