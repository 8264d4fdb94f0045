import { describe, expect, it } from "vitest";
import { clockTime, dayLabel, isSameDay, listTime, relativeTime, shortDate } from "./time.ts";

// local times, so the tests hold in any time zone
const now = new Date(2026, 2, 10, 15, 30); // Tuesday 10 March 2026, 15:30
const at = (day: number, hours: number, minutes = 0, year = 2026, month = 2) =>
  new Date(year, month, day, hours, minutes);

describe("clockTime", () => {
  it("is hh:mm, zero-padded, 24-hour", () => {
    expect(clockTime(at(10, 9, 5))).toBe("09:05");
    expect(clockTime(at(10, 23, 59))).toBe("23:59");
    expect(clockTime(at(10, 0, 0).toISOString())).toBe("00:00");
  });
});

describe("dayLabel", () => {
  it("says Today and Yesterday by the calendar, not by 24 hours", () => {
    expect(dayLabel(at(10, 0, 1), now, "en-GB")).toBe("Today");
    expect(dayLabel(at(9, 23, 59), now, "en-GB")).toBe("Yesterday");
    expect(dayLabel(at(9, 0, 0), now, "en-GB")).toBe("Yesterday");
  });
  it("names the weekday within a week, then the date, with the year when it differs", () => {
    expect(dayLabel(at(6, 12), now, "en-GB")).toBe("Friday, 6 March");
    expect(dayLabel(at(1, 12), now, "en-GB")).toBe("1 March");
    expect(dayLabel(at(31, 12, 0, 2025, 11), now, "en-GB")).toBe("31 December 2025");
  });
});

describe("relativeTime", () => {
  it("counts minutes, then hours", () => {
    expect(relativeTime(new Date(now.getTime() - 10_000), now)).toBe("just now");
    expect(relativeTime(new Date(now.getTime() + 5_000), now)).toBe("just now");
    expect(relativeTime(new Date(now.getTime() - 5 * 60_000), now)).toBe("5 min ago");
    expect(relativeTime(new Date(now.getTime() - 59 * 60_000), now)).toBe("59 min ago");
    expect(relativeTime(at(10, 12, 0), now)).toBe("3 h ago");
  });
  it("then says Yesterday, then the date", () => {
    expect(relativeTime(at(9, 8, 0), now, "en-GB")).toBe("Yesterday");
    expect(relativeTime(at(2, 8, 0), now, "en-GB")).toBe("2 March");
    expect(relativeTime(at(2, 8, 0, 2024), now, "en-GB")).toBe("2 March 2024");
  });
  it("reads ISO strings", () => {
    expect(relativeTime(new Date(now.getTime() - 2 * 60_000).toISOString(), now)).toBe("2 min ago");
  });
});

describe("listTime and helpers", () => {
  it("shows the clock today, Yesterday, a weekday, then the date", () => {
    expect(listTime(at(10, 8, 7), now, "en-GB")).toBe("08:07");
    expect(listTime(at(9, 8, 7), now, "en-GB")).toBe("Yesterday");
    expect(listTime(at(6, 8, 7), now, "en-GB")).toBe("Fri");
    expect(listTime(at(1, 8, 7), now, "en-GB")).toBe("1 March");
  });
  it("compares local days", () => {
    expect(isSameDay(at(10, 0, 0), at(10, 23, 59))).toBe(true);
    expect(isSameDay(at(10, 0, 0), at(9, 23, 59))).toBe(false);
    expect(shortDate(at(3, 1), now, "en-GB")).toBe("3 March");
  });
});
