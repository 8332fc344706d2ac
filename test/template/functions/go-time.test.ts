import { describe, expect, test } from "bun:test";
import { formatDuration, parseDuration } from "../../../src/template/functions/go-duration.ts";
import { GoLocation, GoTime, formatTime, parseTime } from "../../../src/template/functions/go-time.ts";

const t = GoTime.date(2009, 11, 3, 16, 5, 6, 7000000, GoLocation.UTC);

describe("formatTime()", () => {
  test.each([
    ["2006-01-02T15:04:05Z07:00", "2009-11-03T16:05:06Z"],
    ["Mon Jan _2 15:04:05 MST 2006", "Tue Nov  3 16:05:06 UTC 2009"],
    ["3:04PM", "4:05PM"],
    [".000 .999 ,9", ".007 .007 "],
    ["002 __2", "307 307"],
    ["-07:00:00 Z07", "+00:00:00 Z"],
  ])("%p", (layout, want) => {
    expect(formatTime(t, layout)).toBe(want);
  });

  test("zones from the IANA database", () => {
    const ny = t.in(GoLocation.load("America/New_York")!);
    expect(formatTime(ny, "15:04 MST -0700")).toBe("11:05 EST -0500");
  });
});

describe("parseTime()", () => {
  test("parses what it formats", () => {
    const parsed = parseTime("2006-01-02T15:04:05.000Z07:00", "2009-11-03T16:05:06.007+02:00", GoLocation.UTC);
    expect(parsed.unixNanos()).toBe(t.unixNanos() - 2n * 3600n * 1000000000n);
    expect(parsed.String()).toBe("2009-11-03 16:05:06.007 +0200 +0200");
  });

  test.each([
    ["2006-01-02", "bad", 'parsing time "bad" as "2006-01-02": cannot parse "bad" as "2006"'],
    ["2006-01-02", "2020-13-01", 'parsing time "2020-13-01": month out of range'],
    ["2006-01-02", "2020-02-30", 'parsing time "2020-02-30": day out of range'],
    ["2006-01-02", "2020-01-01x", 'parsing time "2020-01-01x": extra text: "x"'],
  ])("%p rejects %p", (layout, value, message) => {
    expect(() => parseTime(layout, value, GoLocation.UTC)).toThrow(message);
  });
});

describe("durations", () => {
  test.each([
    ["1h30m", "1h30m0s"],
    ["-1.5s", "-1.5s"],
    ["300ms", "300ms"],
    ["1us", "1µs"],
    ["0", "0s"],
    ["2h45m10.5s", "2h45m10.5s"],
  ])("parseDuration(%p) prints %p", (text, want) => {
    expect(formatDuration(parseDuration(text))).toBe(want);
  });

  test.each([
    ["", 'time: invalid duration ""'],
    ["5", 'time: missing unit in duration "5"'],
    ["5x", 'time: unknown unit "x" in duration "5x"'],
    [".s", 'time: invalid duration ".s"'],
  ])("parseDuration(%p) fails", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});
