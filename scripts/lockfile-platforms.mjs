// Completes package-lock.json with other platforms' optional binaries (biome, rollup, turbo …).
// Why: this workplace's npm registry serves only the linux-gnu builds of some packages, so `npm install`
// leaves the others out of the lockfile, and `npm ci` then refuses the lockfile as out of sync. Each
// missing entry gets its version from the parent's optionalDependencies and its os/cpu/libc from its
// name, so npm skips it on non-matching machines, as it does for any foreign-platform binary.
// Usage: node scripts/lockfile-platforms.mjs            (rewrites package-lock.json when needed)
import { readFileSync, writeFileSync } from "node:fs";

const OS = {
  linux: "linux",
  darwin: "darwin",
  win32: "win32",
  windows: "win32",
  android: "android",
  freebsd: "freebsd",
  openbsd: "openbsd",
  openharmony: "openharmony",
  sunos: "sunos",
  aix: "aix",
};
const CPU = {
  x64: "x64",
  64: "x64",
  arm64: "arm64",
  arm: "arm",
  ia32: "ia32",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
};

function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => t in OS);
  const cpu = tokens.find((t) => t in CPU);
  if (!os || !cpu) return undefined;
  const platform = { os: [OS[os]], cpu: [CPU[cpu]] };
  if (os === "linux") platform.libc = [tokens.some((t) => t.startsWith("musl")) ? "musl" : "glibc"];
  return platform;
}

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue;
    const platform = platformOf(name);
    if (!platform) {
      console.warn(`lockfile-platforms: cannot tell the platform of ${name}; left out`);
      continue;
    }
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added.push(name);
  }
}
if (added.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`lockfile-platforms: ${added.length} platform entries added`);
