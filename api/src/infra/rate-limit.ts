import type { Redis } from "ioredis";
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { rateLimited } from "../graphql/errors.ts";

/**
 * Each limit counts per key: a user id, or a client address where there is no user yet (signUp, logIn).
 * `typingEvent` and `deliveryEvent` are not refusals but windows: events within them are coalesced (see `once`).
 */
export const LIMIT_NAMES = [
  "sendMessage",
  "invitation",
  "signUp",
  "loginAccountAddress",
  "loginAddress",
  "loginAccount",
  "typing",
  "typingEvent",
  "delivery",
  "deliveryEvent",
  "friendship",
  "createTournament",
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface RateLimits {
  /** Counts one action of `key`; throws RATE_LIMITED (with `retryAfter`) when over. */
  consume(name: LimitName, key: string): Promise<void>;
  /**
   * Runs `action` unless it already ran `points` times for `key` within the window of `name`: then resolves false
   * without running it. The mark comes first (so a flood of concurrent calls runs it once); an action that fails
   * takes its mark back, so a later call is not coalesced into a refusal.
   */
  once(name: LimitName, key: string, action: () => Promise<void>): Promise<boolean>;
  /**
   * A log-in attempt on `account` (a user id, or the normalised login when no user matches) from `address`. Counts
   * it as a failure, then runs `verify` (the password check) only if no limit is over; a success clears the
   * failures of this account and address and remembers the address (see KNOWN_ADDRESS_SECONDS).
   */
  logIn(account: string, address: string, verify: () => Promise<boolean>): Promise<boolean>;
}

/** `points` actions per `duration` seconds (a fixed window that starts at the first action). */
export interface LimitWindow {
  points: number;
  duration: number;
}

/** A steady rate, plus an optional burst allowance drawn on only once the steady rate is used up. */
export interface LimitSpec extends LimitWindow {
  burst?: LimitWindow;
}

export type RateLimitConfig = Record<LimitName, LimitSpec>;

/**
 * Token-bucket-like: `perSecond` messages every second, and on top of them a pool of `burst` messages that comes
 * back in full every burst / perSecond seconds (the pool "refills" at the steady rate). A burst of `burst`
 * messages passes at once; a flood gets at most 2 × perSecond per second in the long run.
 */
export function messageLimit(burst: number, perSecond: number): LimitSpec {
  return {
    points: perSecond,
    duration: 1,
    burst: { points: burst, duration: Math.max(1, Math.ceil(burst / perSecond)) },
  };
}

/** The limits' knobs, as the environment sets them (config.ts). */
export interface RateLimitSettings {
  messagesBurst: number;
  messagesPerSecond: number;
  invitationsPerMinute: number;
  signUpsPerHour: number;
  loginFailures: number;
}

/**
 * Legacy clients may send up to 50 frames a second per socket, so 50 messages at once must pass (a reconnect that
 * flushes queued messages, a "gg" spree); nobody types more than a message or two a second for long, so 5 a second
 * sustained never bothers a person while a script is cut to at most 10 a second. Invitations: 10 a minute.
 * Sign-ups: 20 an hour from one address (a classroom behind one NAT signs up in an hour). Log-in: 10 failures per
 * account and address in 15 minutes.
 */
export const RATE_LIMIT_DEFAULTS: RateLimitSettings = {
  messagesBurst: 50,
  messagesPerSecond: 5,
  invitationsPerMinute: 10,
  signUpsPerHour: 20,
  loginFailures: 10,
};

/**
 * Log-in throttling, in three counts of failed attempts (a success takes its attempt back):
 * - per account and address: `loginFailures` per 15 minutes, then that address waits for the window to end;
 * - per address, whatever the account: 10 × that per hour (credential stuffing from one address);
 * - per account, whatever the address: 5 × that per hour (a password guessed from many addresses), counted and
 *   enforced only for addresses that have not logged in to the account in the last 14 days.
 * The trade-off: an attacker can make an account refuse new addresses for as long as the attack lasts, but can
 * never lock its owner out of an address they logged in from recently, because the owner's address has its own
 * counts. A new address (a new device, a changed IP) of an attacked account waits like the attacker's.
 */
export const KNOWN_ADDRESS_SECONDS = 14 * 24 * 3600;

export function rateLimitConfig(settings: RateLimitSettings): RateLimitConfig {
  return {
    sendMessage: messageLimit(settings.messagesBurst, settings.messagesPerSecond),
    invitation: { points: settings.invitationsPerMinute, duration: 60 },
    signUp: { points: settings.signUpsPerHour, duration: 3600 },
    loginAccountAddress: { points: settings.loginFailures, duration: 15 * 60 },
    loginAddress: { points: settings.loginFailures * 10, duration: 3600 },
    loginAccount: { points: settings.loginFailures * 5, duration: 3600 },
    // a client may call setTyping on every keystroke: 10 a second pass, one TYPING event per chat a second goes out
    typing: { points: 10, duration: 1 },
    typingEvent: { points: 1, duration: 1 },
    // a client acknowledges each message it receives: 20 a second pass, one DeliveryEvent per chat a second goes out
    delivery: { points: 20, duration: 1 },
    deliveryEvent: { points: 1, duration: 1 },
    // addFriend and removeFriend together
    friendship: { points: 30, duration: 60 },
    // each one announces the tournament to every user
    createTournament: { points: 5, duration: 3600 },
  };
}

export const DEFAULT_RATE_LIMITS = rateLimitConfig(RATE_LIMIT_DEFAULTS);

const refusals: Record<LimitName, string> = {
  sendMessage: "You are sending messages too fast.",
  invitation: "You are sending invitations too fast.",
  signUp: "Too many sign-ups from your address.",
  loginAccountAddress: "Too many failed log-ins.",
  loginAddress: "Too many failed log-ins from your address.",
  loginAccount: "Too many failed log-ins to this account.",
  typing: "You are sending typing notifications too fast.",
  typingEvent: "You are sending typing notifications too fast.",
  delivery: "You are acknowledging messages too fast.",
  deliveryEvent: "You are acknowledging messages too fast.",
  friendship: "You are changing your friends too fast.",
  createTournament: "You are creating tournaments too fast.",
};

interface Limiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Embedded mode (`redis` undefined): counters in a Map in this process. Shared mode: counters in Redis (one
 * EVALSHA per consume), so a limit is the same whichever instance a client reaches. A key already over a window
 * is refused from memory until it ends, without a Redis call; if Redis is down, each instance limits on its own.
 * Keys: `{redisKeyPrefix}rl:{limit}[:burst]:{key}`.
 */
export function createRateLimits(
  redis: Redis | undefined,
  config: RateLimitConfig,
  redisKeyPrefix = "parley:",
): RateLimits {
  const window = (name: string, { points, duration }: LimitWindow): RateLimiterAbstract => {
    const options = { keyPrefix: `${redisKeyPrefix}rl:${name}`, points, duration };
    if (!redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      // over, not at, the limit: a key that is exactly at it may still be rewarded (a successful log-in)
      inMemoryBlockOnConsumed: points + 1,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
  const windows = Object.fromEntries(LIMIT_NAMES.map((name) => [name, window(name, config[name])])) as Record<
    LimitName,
    RateLimiterAbstract
  >;
  const limiters = Object.fromEntries(
    LIMIT_NAMES.map((name) => {
      const burst = config[name].burst;
      return [name, burst ? new BurstyRateLimiter(windows[name], window(`${name}:burst`, burst)) : windows[name]];
    }),
  ) as Record<LimitName, Limiter>;
  const knownAddresses = window("loginKnown", { points: 1, duration: KNOWN_ADDRESS_SECONDS });

  const consume = async (name: LimitName, limiter: Limiter, key: string) => {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rateLimited(`${refusals[name]} Try again in ${retryAfter} s.`, retryAfter);
    }
  };

  return {
    consume: (name, key) => consume(name, limiters[name], key),

    async once(name, key, action) {
      const marks = windows[name];
      try {
        await marks.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return false;
        throw rejection;
      }
      await action().catch(async (error: unknown) => {
        await marks.delete(key);
        throw error;
      });
      return true;
    },

    async logIn(account, address, verify) {
      const pair = `${account}:${address}`;
      const known = ((await knownAddresses.get(pair))?.consumedPoints ?? 0) > 0;
      await consume("loginAccountAddress", windows.loginAccountAddress, pair);
      await consume("loginAddress", windows.loginAddress, address);
      if (!known) await consume("loginAccount", windows.loginAccount, account);
      if (!(await verify())) return false;
      await Promise.all([
        windows.loginAccountAddress.delete(pair),
        windows.loginAddress.reward(address),
        known ? undefined : windows.loginAccount.reward(account),
        knownAddresses.set(pair, 1, KNOWN_ADDRESS_SECONDS),
      ]);
      return true;
    },
  };
}
