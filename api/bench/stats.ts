// Percentiles and /proc sampling for the benchmark (Linux only: CPU from utime+stime, memory from VmRSS).
import { readFileSync } from "node:fs";

export interface Summary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  count: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const a = Float64Array.from(values).sort();
  const at = (q: number) =>
    a.length ? round(a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))]!) : null;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: a.length ? round(a[a.length - 1]!) : null, count: a.length };
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function median(values: number[]): number | null {
  const a = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (!a.length) return null;
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used; null once it has gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

export function rssKb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU used by a set of processes between mark() and read(); pids() may grow (new database backends). */
export function cpuMeter(pids: () => number[]) {
  let start = new Map<number, number>();
  return {
    mark() {
      start = new Map(pids().map((pid) => [pid, cpuSeconds(pid) ?? 0]));
    },
    /** CPU seconds since mark(); a process that appeared meanwhile counts from its start. */
    read(): number {
      let total = 0;
      for (const pid of new Set([...start.keys(), ...pids()])) {
        const now = cpuSeconds(pid);
        if (now !== null) total += now - (start.get(pid) ?? 0);
      }
      return total;
    },
  };
}

/** Highest RSS of a process seen by a 200 ms sampler while it runs. */
export function rssPeak(pid: number) {
  let peak = rssKb(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKb(pid) ?? 0);
  }, 200);
  return {
    reset() {
      peak = rssKb(pid) ?? 0;
    },
    read: () => Math.max(peak, rssKb(pid) ?? 0),
    stop: () => clearInterval(timer),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs fn(0..count-1) with at most `width` in flight. */
export async function pool(count: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}
