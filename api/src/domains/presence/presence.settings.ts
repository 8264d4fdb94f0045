/** Presence knobs (config.ts reads them from the environment), in seconds; fractions are allowed (tests). */
export interface PresenceSettings {
  /** PRESENCE_INACTIVITY: without activity for this long, the sweep takes a user offline, open sockets or not */
  inactivity: number;
  /** PRESENCE_HEARTBEAT: shared mode; an instance's socket records expire after 3 missed heartbeats */
  heartbeat: number;
  /** PRESENCE_SWEEP_INTERVAL: how often the inactivity sweep runs (once per cluster) */
  sweepInterval: number;
}

/** Legacy: a cron sweep every minute takes users idle for 30 minutes offline. */
export const PRESENCE_DEFAULTS: PresenceSettings = { inactivity: 30 * 60, heartbeat: 10, sweepInterval: 60 };

/** An instance's records outlive its last heartbeat by this many intervals. */
export const HEARTBEAT_EXPIRY_FACTOR = 3;
