import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { PresenceStore, WentOffline } from "./presence.store.ts";

/**
 * Shared mode. Keys, under `{prefix}presence:`:
 *
 * - `online`            ZSET user id → last activity (epoch ms); members are exactly the online users
 * - `sockets`           HASH user id → open sockets on every live instance
 * - `instances`         ZSET instance id → heartbeat deadline (epoch ms)
 * - `instance:{id}`     HASH user id → open sockets on that instance
 * - `retired`           SET of `retired:{id}:{ms}` hashes: sockets of dead or stopped instances still to subtract
 *
 * A socket costs one script at open and one at close, and no Redis work while it stays open: the heartbeat
 * renews the instance's deadline (one ZADD), whatever its number of sockets. An instance that dies without
 * cleaning up misses its deadline; the next sweep retires its `instance:{id}` hash (a RENAME) and subtracts its
 * counts from `sockets` in bounded chunks, taking offline the users left with none.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly keys: { online: string; sockets: string; instances: string; instance: string; retired: string };
  private readonly instancePrefix: string;
  private readonly retiredPrefix: string;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    /** how long the instance's records live without a heartbeat, ms */
    private readonly expiryMs: number,
    prefix = "parley:",
  ) {
    const base = `${prefix}presence:`;
    this.instancePrefix = `${base}instance:`;
    this.retiredPrefix = `${base}retired:`;
    this.keys = {
      online: `${base}online`,
      sockets: `${base}sockets`,
      instances: `${base}instances`,
      instance: `${this.instancePrefix}${instanceId}`,
      retired: `${base}retired`,
    };
  }

  async heartbeat(now: number): Promise<boolean> {
    // Load every script before the first socket: a NOSCRIPT fallback later would reorder commands.
    this.loaded ??= Promise.all(SCRIPTS().map((script) => script.load(this.redis))).then(() => {});
    await this.loaded;
    const known = await HEARTBEAT.run(this.redis, [this.keys.instances], [this.instanceId, now + this.expiryMs]);
    return known === 1;
  }

  async restore(connections: ReadonlyMap<string, number>, now: number): Promise<string[]> {
    const { online, sockets, instances, instance } = this.keys;
    const pairs = [...connections].flat();
    return (await RESTORE.run(
      this.redis,
      [online, sockets, instances, instance],
      [this.instanceId, now + this.expiryMs, now, ...pairs],
    )) as string[];
  }

  async connect(userId: string, now: number): Promise<boolean | null> {
    const { online, sockets, instances, instance } = this.keys;
    const result = await CONNECT.run(
      this.redis,
      [online, sockets, instances, instance],
      [this.instanceId, userId, now],
    );
    return result === -1 ? null : result === 1;
  }

  async disconnect(userId: string): Promise<WentOffline | null> {
    const { online, sockets, instance } = this.keys;
    const last = (await DISCONNECT.run(this.redis, [online, sockets, instance], [userId])) as string | null;
    return last === null ? null : { userId, lastActivity: Number(last) };
  }

  async touch(userIds: readonly string[], now: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    return (await TOUCH.run(this.redis, [this.keys.online], [now, ...userIds])) as string[];
  }

  async lastActivity(userIds: readonly string[]): Promise<(number | null)[]> {
    if (userIds.length === 0) return [];
    const scores = await this.redis.zmscore(this.keys.online, ...userIds);
    return scores.map((score) => (score === null ? null : Number(score)));
  }

  async onlineUsers(skip: number, take: number): Promise<{ ids: string[]; total: number }> {
    const results = await this.redis
      .multi()
      .zcard(this.keys.online)
      .zrevrange(this.keys.online, skip, skip + take - 1)
      .exec();
    const [[totalError, total], [idsError, ids]] = results as [[Error | null, number], [Error | null, string[]]];
    if (totalError || idsError) throw totalError ?? idsError;
    return { ids, total };
  }

  async sweep(now: number, inactiveBefore: number): Promise<WentOffline[]> {
    let retired: number;
    do retired = await this.retire("dead", now);
    while (retired === RETIRE_BATCH);
    const gone = await this.drain();
    // Bounded steps, so a sweep of many users never blocks Redis for long.
    for (;;) {
      const idle = pairs(await SWEEP_IDLE.run(this.redis, [this.keys.online], [inactiveBefore, SWEEP_BATCH]));
      gone.push(...idle);
      if (idle.length < SWEEP_BATCH) break;
    }
    return gone;
  }

  async removeInstance(): Promise<WentOffline[]> {
    await this.retire("self", Date.now());
    return this.drain();
  }

  /** Unregisters dead instances (or this one) and sets their socket counts aside for `drain`. */
  private async retire(which: "dead" | "self", now: number): Promise<number> {
    const { instances, retired } = this.keys;
    const args = [this.instancePrefix, this.retiredPrefix, now, which, this.instanceId, RETIRE_BATCH];
    return (await RETIRE.run(this.redis, [instances, retired], args)) as number;
  }

  /** Subtracts retired socket counts, a chunk per script call; returns who went offline. */
  private async drain(): Promise<WentOffline[]> {
    const { online, sockets, retired } = this.keys;
    const gone: WentOffline[] = [];
    for (;;) {
      const [left, offline] = (await DRAIN.run(this.redis, [online, sockets, retired], [DRAIN_BATCH])) as [
        number,
        string[],
      ];
      gone.push(...pairs(offline));
      if (left === 0) return gone;
    }
  }
}

/** Dead instances retired per script call (each is a RENAME). */
const RETIRE_BATCH = 100;
/** Retired socket records subtracted per script call: a couple of milliseconds of Redis time. */
const DRAIN_BATCH = 200;
/** Idle users taken offline per script call. */
const SWEEP_BATCH = 1000;

/** [user, score, user, score, …] → WentOffline[] */
function pairs(flat: unknown): WentOffline[] {
  const list = flat as string[];
  const out: WentOffline[] = [];
  for (let i = 0; i < list.length; i += 2) out.push({ userId: list[i] as string, lastActivity: Number(list[i + 1]) });
  return out;
}

/** A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a Redis server lacks it. */
class Script {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async load(redis: Redis): Promise<void> {
    await redis.script("LOAD", this.lua);
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

// KEYS[1] instances — ARGV: instance id, deadline. Renews the deadline of a registered instance; returns 0
// (and registers nothing) when it is unknown, so the caller re-creates its records with RESTORE.
const HEARTBEAT = new Script(`
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1`);

// KEYS online, sockets, instances, instance — ARGV: instance id, deadline, now, then user id, count pairs.
// Registers the instance and its open sockets; returns the users that went online.
const RESTORE = new Script(`
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('DEL', KEYS[4])
local went = {}
for i = 4, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[i]) == 1 then went[#went + 1] = ARGV[i] end
end
return went`);

// KEYS online, sockets, instances, instance — ARGV: instance id, user id, now.
// -1: the instance is not registered (reaped); 1: the user went online; 0: they were online already.
const CONNECT = new Script(`
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then return -1 end
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[2]) == 1 then return 1 end
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[2])
return 0`);

// KEYS online, sockets, instance — ARGV: user id. Returns the user's last activity when this was their last
// socket anywhere and they were online, else nil. A socket whose record was reaped changes nothing.
const DISCONNECT = new Script(`
local here = redis.call('HINCRBY', KEYS[3], ARGV[1], -1)
if here <= 0 then redis.call('HDEL', KEYS[3], ARGV[1]) end
if here < 0 then return false end
if redis.call('HINCRBY', KEYS[2], ARGV[1], -1) > 0 then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
local last = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not last then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
return last`);

// KEYS online — ARGV: now, user ids. Returns the users that went online.
const TOUCH = new Script(`
local went = {}
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i]) == 1 then went[#went + 1] = ARGV[i]
  else redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[i]) end
end
return went`);

// KEYS instances, retired — ARGV: instance key prefix, retired key prefix, now, "dead" | "self", own id, max.
// Unregisters instances whose deadline has passed (or this one) and renames their socket hash into the retired
// set, to be subtracted by DRAIN. Returns how many instances it unregistered. O(1) per instance.
const RETIRE = new Script(`
local ids
if ARGV[4] == 'self' then ids = {ARGV[5]}
else ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3], 'LIMIT', 0, ARGV[6]) end
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[1] .. id
  if redis.call('EXISTS', key) == 1 then
    local parked = ARGV[2] .. id .. ':' .. ARGV[3]
    redis.call('RENAME', key, parked)
    redis.call('SADD', KEYS[2], parked)
  end
end
return #ids`);

// KEYS online, sockets, retired — ARGV: max records. Subtracts up to that many retired socket counts from
// the totals; users left with none go offline. Returns {retired hashes left, {user, last activity, …}}.
const DRAIN = new Script(`
local out = {}
local budget = tonumber(ARGV[1])
for _, key in ipairs(redis.call('SRANDMEMBER', KEYS[3], 8)) do
  if budget <= 0 then break end
  local entries = redis.call('HRANDFIELD', key, budget, 'WITHVALUES')
  for i = 1, #entries, 2 do
    local user = entries[i]
    redis.call('HDEL', key, user)
    if redis.call('HINCRBY', KEYS[2], user, -tonumber(entries[i + 1])) <= 0 then
      redis.call('HDEL', KEYS[2], user)
      local last = redis.call('ZSCORE', KEYS[1], user)
      if last then
        redis.call('ZREM', KEYS[1], user)
        out[#out + 1] = user
        out[#out + 1] = last
      end
    end
  end
  budget = budget - #entries / 2
  if redis.call('EXISTS', key) == 0 then redis.call('SREM', KEYS[3], key) end
end
return {redis.call('SCARD', KEYS[3]), out}`);

// KEYS online — ARGV: cutoff (exclusive), max users. Takes offline users idle since before the cutoff.
const SWEEP_IDLE = new Script(`
local idle = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local users = {}
for i = 1, #idle, 2 do users[#users + 1] = idle[i] end
if #users > 0 then redis.call('ZREM', KEYS[1], unpack(users)) end
return idle`);

const SCRIPTS = () => [HEARTBEAT, RESTORE, CONNECT, DISCONNECT, TOUCH, RETIRE, DRAIN, SWEEP_IDLE];
