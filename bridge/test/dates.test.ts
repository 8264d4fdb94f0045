import { describe, expect, it } from "vitest";
import { isoHttp, isoPy } from "../src/legacy/dates.ts";

describe("legacy dates", () => {
  it("<iso-py>: microseconds and +00:00, as Python's isoformat() prints an aware UTC datetime", () => {
    expect(isoPy("2025-03-01T10:20:30.123Z")).toBe("2025-03-01T10:20:30.123000+00:00");
    expect(isoPy("2025-03-01T10:20:30.123456Z")).toBe("2025-03-01T10:20:30.123456+00:00");
    expect(isoPy("2025-03-01T10:20:30.000500+00:00")).toBe("2025-03-01T10:20:30.000500+00:00");
  });

  it("<iso-py>: no fraction when it is zero", () => {
    expect(isoPy("2025-03-01T10:20:30.000Z")).toBe("2025-03-01T10:20:30+00:00");
    expect(isoPy("2025-03-01T10:20:30Z")).toBe("2025-03-01T10:20:30+00:00");
  });

  it("<iso-http>: Django's encoder, milliseconds (cut, not rounded) and Z", () => {
    expect(isoHttp("2025-03-01T10:20:30.123Z")).toBe("2025-03-01T10:20:30.123Z");
    expect(isoHttp("2025-03-01T10:20:30.123999Z")).toBe("2025-03-01T10:20:30.123Z");
    expect(isoHttp("2025-03-01T10:20:30.120Z")).toBe("2025-03-01T10:20:30.120Z");
  });

  it("<iso-http>: no fraction only when the microseconds are zero", () => {
    expect(isoHttp("2025-03-01T10:20:30.000Z")).toBe("2025-03-01T10:20:30Z");
    expect(isoHttp("2025-03-01T10:20:30.000500Z")).toBe("2025-03-01T10:20:30.000Z");
  });

  it("reads any date the API could print", () => {
    expect(isoPy("2025-03-01T11:20:30.5+01:00")).toBe("2025-03-01T10:20:30.500000+00:00");
    expect(() => isoPy("yesterday")).toThrow(TypeError);
  });
});
