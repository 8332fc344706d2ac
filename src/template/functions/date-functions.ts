import type { GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, fail } from "./define.ts";
import { DurationError, HOUR, MINUTE, SECOND, formatDuration, parseDuration, roundDuration } from "./go-duration.ts";
import { GoLocation, GoTime, TimeParseError, parseTime } from "./go-time.ts";
import { goTypeOf } from "./go-type.ts";

/** sprig's time argument: a time.Time, or Unix seconds as an integer; anything else means now. */
function toTime(value: GoValue): GoTime {
  if (value instanceof GoTime) return value;
  if (typeof value === "bigint") return new GoTime(BigInt.asIntN(64, value), 0, GoLocation.Local);
  return GoTime.now();
}

function dateInZone(layout: string, date: GoValue, zone: string): string {
  const loc = GoLocation.load(zone) ?? GoLocation.UTC;
  return toTime(date).in(loc).Format(layout);
}

function asTime(value: GoValue, fn: string): GoTime {
  if (value instanceof GoTime) return value;
  void fn;
  fail(`wrong type for value; expected time.Time; got ${goTypeOf(value)}`);
}

/** sprig's durationRound: the largest whole unit, truncated ("2h", "3mo", "1y"). */
function durationRound(value: GoValue): string {
  let d = 0n;
  if (typeof value === "string") {
    try {
      d = parseDuration(value);
    } catch {
      d = 0n;
    }
  } else if (typeof value === "bigint") d = BigInt.asIntN(64, value);
  else if (value instanceof GoTime) d = GoTime.now().unixNanos() - value.unixNanos();
  let u = d < 0n ? -d : d;
  u = BigInt.asUintN(64, u);
  const day = 24n * HOUR;
  const units: [bigint, string][] = [
    [365n * day, "y"],
    [30n * day, "mo"],
    [day, "d"],
    [HOUR, "h"],
    [MINUTE, "m"],
    [SECOND, "s"],
  ];
  for (const [size, suffix] of units) if (u > size) return `${u / size}${suffix}`;
  return "0s";
}

/**
 * sprig's date.go. Integers given as dates are Unix seconds; other non-time values mean "now", as
 * in sprig (so a float64 from a values file formats the current time). `duration` and
 * `durationRound` accept any integer as int64 nanoseconds/seconds, where Go only accepts int64
 * (a bare literal is an int there and yields "0s").
 */
export const dateFunctions: FunctionMap = {
  now: define([], () => GoTime.now()),
  date: define(["string", "any"], (layout, date) => dateInZone(layout, date, "Local")),
  dateInZone: define(["string", "any", "string"], (layout, date, zone) => dateInZone(layout, date, zone)),
  date_in_zone: define(["string", "any", "string"], (layout, date, zone) => dateInZone(layout, date, zone)),
  htmlDate: define(["any"], (date) => dateInZone("2006-01-02", date, "Local")),
  htmlDateInZone: define(["any", "string"], (date, zone) => dateInZone("2006-01-02", date, zone)),
  dateModify: define(["string", "any"], (text, date) => {
    const t = asTime(date, "dateModify");
    try {
      return t.addNanos(parseDuration(text));
    } catch {
      return t;
    }
  }),
  date_modify: define(["string", "any"], (text, date) => {
    const t = asTime(date, "date_modify");
    try {
      return t.addNanos(parseDuration(text));
    } catch {
      return t;
    }
  }),
  mustDateModify: define(["string", "any"], (text, date) => {
    const t = asTime(date, "mustDateModify");
    try {
      return t.addNanos(parseDuration(text));
    } catch (error) {
      if (error instanceof DurationError) fail(error.message);
      throw error;
    }
  }),
  must_date_modify: define(["string", "any"], (text, date) => {
    const t = asTime(date, "must_date_modify");
    try {
      return t.addNanos(parseDuration(text));
    } catch (error) {
      if (error instanceof DurationError) fail(error.message);
      throw error;
    }
  }),
  ago: define(["any"], (date) => {
    const t = date instanceof GoTime || typeof date === "bigint" ? toTime(date) : GoTime.now();
    return formatDuration(roundDuration(GoTime.now().unixNanos() - t.unixNanos(), SECOND));
  }),
  duration: define(["any"], (sec) => {
    let n = 0n;
    if (typeof sec === "string" && /^[+-]?[0-9]+$/.test(sec)) {
      n = BigInt(sec);
      if (n !== BigInt.asIntN(64, n)) n = 0n;
    }
    else if (typeof sec === "bigint") n = sec;
    return formatDuration(BigInt.asIntN(64, n * SECOND));
  }),
  durationRound: define(["any"], (value) => durationRound(value)),
  toDate: define(["string", "string"], (layout, text) => {
    try {
      return parseTime(layout, text, GoLocation.Local);
    } catch (error) {
      if (error instanceof TimeParseError) return GoTime.zero();
      throw error;
    }
  }),
  mustToDate: define(["string", "string"], (layout, text) => {
    try {
      return parseTime(layout, text, GoLocation.Local);
    } catch (error) {
      if (error instanceof TimeParseError) fail(error.message);
      throw error;
    }
  }),
  unixEpoch: define(["any"], (date) => asTime(date, "unixEpoch").Unix().toString()),
};
