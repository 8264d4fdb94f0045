import type { ConnectionState } from "../graphql/connection.ts";

export interface BannerState {
  offline: boolean;
  backOnline: boolean;
}

/**
 * What the connection banner shows: "Reconnecting…" from a drop until the socket is back, then "Back online" for
 * `backOnlineMs`. A socket that closes to renew its token (connecting → online, no drop) changes nothing, and in
 * particular does not cancel the end of "Back online" (which then stayed for good).
 */
export function bannerState(show: (state: BannerState) => void, backOnlineMs: number) {
  let offline = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    update(value: ConnectionState): void {
      if (value === "offline") {
        clearTimeout(timer);
        offline = true;
        show({ offline: true, backOnline: false });
      } else if (value === "online" && offline) {
        clearTimeout(timer);
        offline = false;
        show({ offline: false, backOnline: true });
        timer = setTimeout(() => show({ offline: false, backOnline: false }), backOnlineMs);
      }
    },
    stop(): void {
      clearTimeout(timer);
    },
  };
}
