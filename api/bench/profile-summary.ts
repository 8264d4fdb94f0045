// Self time of a V8 .cpuprofile (node --cpu-prof, e.g. npm run bench -- --cpu-prof DIR), by package and by frame.
//   npx tsx bench/profile-summary.ts DIR/CPU.….cpuprofile [top] [last-seconds]
// last-seconds: only the profile's last seconds (the measured rounds, without start-up and sign-ups).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts FILE.cpuprofile [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const top = Number(topArg ?? 15);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
const elapsed = profile.timeDeltas.reduce((a, b) => a + b, 0);
const from = lastArg ? elapsed - Number(lastArg) * 1e6 : 0;
let at = 0;
for (const [i, id] of profile.samples.entries()) {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** Where a frame's code lives: an npm package, Parley's own code, Node's internals or V8 itself. */
function owner({ url, functionName }: ProfileNode["callFrame"]): string {
  if (url.startsWith("wasm://")) return "wasm (shared mode: Prisma's query compiler; embedded: PGlite too)";
  if (!url) return functionName.startsWith("(") ? functionName : `(V8 builtin) ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  if (url.includes("/prisma/generated/")) return "prisma generated client";
  const parley = /\/(api|prisma)\/src\/(.*)/.exec(url);
  return parley ? `parley ${parley[1]}/${parley[2]!.split("/").slice(0, 2).join("/")}` : url;
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const owners = new Map<string, number>();
const frames = new Map<string, number>();
for (const [id, us] of self) {
  const frame = byId.get(id)!.callFrame;
  add(owners, owner(frame), us);
  add(frames, `${frame.functionName || "(anonymous)"} ${owner(frame)}:${frame.lineNumber + 1}`, us);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print("self time by package", owners);
print("self time by frame", frames);
