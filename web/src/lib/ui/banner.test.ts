import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { type BannerState, bannerState } from "./banner.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setUp() {
  let shown: BannerState = { offline: false, backOnline: false };
  const banner = bannerState((state) => {
    shown = state;
  }, 2500);
  return { banner, shown: () => shown };
}

it("shows Reconnecting after a drop, then Back online for a while", () => {
  const { banner, shown } = setUp();
  banner.update("online");
  expect(shown()).toEqual({ offline: false, backOnline: false });
  banner.update("offline");
  expect(shown()).toEqual({ offline: true, backOnline: false });
  banner.update("online");
  expect(shown()).toEqual({ offline: false, backOnline: true });
  vi.advanceTimersByTime(2500);
  expect(shown()).toEqual({ offline: false, backOnline: false });
});

it("a token renewal (connecting → online) during Back online does not keep it for good", () => {
  const { banner, shown } = setUp();
  banner.update("offline");
  banner.update("online");
  vi.advanceTimersByTime(1000);
  banner.update("connecting");
  banner.update("online");
  vi.advanceTimersByTime(1500);
  expect(shown()).toEqual({ offline: false, backOnline: false });
});
