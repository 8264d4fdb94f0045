/** Per-user limits, shared across instances in shared mode. `consume` throws RATE_LIMITED when over. */
export type LimitName = "sendMessage" | "invitation";

export interface RateLimits {
  consume(name: LimitName, userId: string): Promise<void>;
}
