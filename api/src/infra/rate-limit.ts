import type { Redis } from "ioredis";
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { rateLimited } from "../graphql/errors.ts";

/** Per-user limits, shared across instances in shared mode. `consume` throws RATE_LIMITED when over. */
export type LimitName = "sendMessage" | "invitation";

export interface RateLimits {
  consume(name: LimitName, userId: string): Promise<void>;
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
}

/**
 * Legacy clients may send up to 50 frames a second per socket, so 50 messages at once must pass (a reconnect that
 * flushes queued messages, a "gg" spree); nobody types more than a message or two a second for long, so 5 a second
 * sustained never bothers a person while a script is cut to at most 10 a second. Invitations: 10 a minute.
 */
export const RATE_LIMIT_DEFAULTS: RateLimitSettings = {
  messagesBurst: 50,
  messagesPerSecond: 5,
  invitationsPerMinute: 10,
};

export function rateLimitConfig(settings: RateLimitSettings): RateLimitConfig {
  return {
    sendMessage: messageLimit(settings.messagesBurst, settings.messagesPerSecond),
    invitation: { points: settings.invitationsPerMinute, duration: 60 },
  };
}

export const DEFAULT_RATE_LIMITS = rateLimitConfig(RATE_LIMIT_DEFAULTS);

const refusals: Record<LimitName, string> = {
  sendMessage: "You are sending messages too fast.",
  invitation: "You are sending invitations too fast.",
};

interface Limiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Embedded mode (`redis` undefined): counters in a Map in this process. Shared mode: counters in Redis (one
 * EVALSHA per consume), so a user's limit is the same whichever instance they reach. A user already over a window
 * is refused from memory until it ends, without a Redis call; if Redis is down, each instance limits on its own.
 * Keys: `{redisKeyPrefix}rl:{limit}[:burst]:{userId}`.
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
      inMemoryBlockOnConsumed: points,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
  const limiter = (name: LimitName, spec: LimitSpec): Limiter =>
    spec.burst ? new BurstyRateLimiter(window(name, spec), window(`${name}:burst`, spec.burst)) : window(name, spec);
  const limiters: Record<LimitName, Limiter> = {
    sendMessage: limiter("sendMessage", config.sendMessage),
    invitation: limiter("invitation", config.invitation),
  };

  return {
    async consume(name, userId) {
      try {
        await limiters[name].consume(userId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rateLimited(`${refusals[name]} Try again in ${retryAfter} s.`, retryAfter);
      }
    },
  };
}
