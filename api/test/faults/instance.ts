// Real app instances as child processes (`node --import tsx src/main.ts`), so a fault test can SIGKILL one.
// (`tsx src/main.ts` would run the server in a grandchild that survives a SIGKILL of the wrapper.)
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { JWT_SECRET } from "../harness.ts";

const API_DIR = fileURLToPath(new URL("../..", import.meta.url));
const LISTENING = /listening on http:\/\/localhost:(\d+)\//;

export interface ChildInstance {
  url: string;
  wsUrl: string;
  pid: number;
  /** The last lines the process wrote, for a failing test's message. */
  output(): string;
  /** null while the process runs. */
  exitCode(): number | string | null;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | string>;
  /** SIGKILL: no cleanup of any kind. */
  kill9(): Promise<number | string>;
  /** SIGTERM: graceful stop; SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Shared mode: DATABASE_URL, REDIS_URL and REDIS_KEY_PREFIX; embedded mode: PARLEY_DATA_DIR. */
export type InstanceEnv = Record<string, string>;

/** Starts an instance on a free port and resolves once it listens (or rejects with its output). */
export async function spawnInstance(env: InstanceEnv, startTimeoutMs = 30_000): Promise<ChildInstance> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      JWT_SECRET,
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      RATE_LIMIT_MESSAGES_BURST: "1000000",
      RATE_LIMIT_MESSAGES_PER_SECOND: "1000000",
      RATE_LIMIT_INVITATIONS_PER_MINUTE: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code ?? -1)),
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${lines.join("\n")}`)), startTimeoutMs);
    void exited.then((how) => reject(new Error(`instance exited (${how}) before listening:\n${lines.join("\n")}`)));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n").filter(Boolean)) {
          lines.push(line);
          if (lines.length > 200) lines.shift();
          const match = LISTENING.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        }
      });
    }
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  const bound = await port.catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    wsUrl: `ws://127.0.0.1:${bound}/graphql`,
    pid: child.pid as number,
    output: () => lines.join("\n"),
    exitCode: () => child.signalCode ?? child.exitCode,
    exited,
    kill9: () => signal("SIGKILL"),
    stop: (graceMs = 10_000) => {
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      return signal("SIGTERM").finally(() => clearTimeout(timer));
    },
  };
}
