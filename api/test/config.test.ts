// Configuration ranges: values that would break a timer or a cookie are refused at start-up, naming the variable.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

/** floor((2^31 − 1) / 1000): the longest a Node timer can wait, in seconds */
const MAX_TIMER_SECONDS = 2_147_483;
/** 400 days: the longest a browser keeps a cookie */
const MAX_COOKIE_SECONDS = 34_560_000;

const base = { JWT_SECRET: "a-test-secret-that-is-long-enough-0123456789", PARLEY_DATA_DIR: "memory://" };
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env });

describe("loadConfig ranges", () => {
  it("accepts the largest access token TTL a socket's expiry timer can hold", async () => {
    const config = await load({ ACCESS_TOKEN_TTL: String(MAX_TIMER_SECONDS), REFRESH_TOKEN_TTL: "3000000" });
    expect(config.accessTokenTtl).toBe(MAX_TIMER_SECONDS);
  });

  it.each([
    ["ACCESS_TOKEN_TTL", { ACCESS_TOKEN_TTL: String(MAX_TIMER_SECONDS + 1), REFRESH_TOKEN_TTL: "9000000" }],
    ["ACCESS_TOKEN_TTL", { ACCESS_TOKEN_TTL: "0" }],
    ["ACCESS_TOKEN_TTL", { ACCESS_TOKEN_TTL: "1.5" }],
    ["REFRESH_TOKEN_TTL", { REFRESH_TOKEN_TTL: String(MAX_COOKIE_SECONDS + 1) }],
    ["REFRESH_TOKEN_TTL", { ACCESS_TOKEN_TTL: "3600", REFRESH_TOKEN_TTL: "3600" }],
    ["PRESENCE_HEARTBEAT", { PRESENCE_HEARTBEAT: String(2 ** 31) }],
    ["PRESENCE_SWEEP_INTERVAL", { PRESENCE_SWEEP_INTERVAL: "Infinity" }],
    ["INVITATION_TTL", { INVITATION_TTL: String(MAX_TIMER_SECONDS + 1) }],
  ])("refuses an out-of-range %s", async (name, env) => {
    await expect(load(env)).rejects.toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}`));
  });
});
