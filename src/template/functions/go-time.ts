import { GoStruct, type GoValue } from "../go-value.ts";
import { timeQuote } from "./go-duration.ts";
import { jsonValue } from "./go-json.ts";

/**
 * Go's time.Time and *time.Location over the value model. Time zones come from the JavaScript
 * runtime's Intl data (the same IANA database Go reads); zone abbreviations come from CLDR where
 * it has them (EST, CET, JST…) and are otherwise written like tzdata's numeric ones ("+04").
 */
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

interface Zone {
  name: string;
  offset: number;
}

const ABBREVIATION_OVERRIDES: Record<string, [string, string?]> = {
  "Asia/Shanghai": ["CST"],
  "Asia/Hong_Kong": ["HKT"],
  "Asia/Taipei": ["CST"],
  "Asia/Seoul": ["KST"],
  "Asia/Tokyo": ["JST"],
  "Asia/Kolkata": ["IST"],
  "Asia/Calcutta": ["IST"],
  "Asia/Jerusalem": ["IST", "IDT"],
  "Asia/Karachi": ["PKT"],
  "Asia/Manila": ["PST"],
  "Asia/Jakarta": ["WIB"],
  "Europe/Moscow": ["MSK"],
  "Africa/Johannesburg": ["SAST"],
  "Africa/Lagos": ["WAT"],
  "Africa/Nairobi": ["EAT"],
  "Africa/Cairo": ["EET", "EEST"],
  "Asia/Dubai": ["+04"],
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, zoneName?: string, locale = "en-US"): Intl.DateTimeFormat {
  const key = `${timeZone}|${zoneName ?? ""}|${locale}`;
  let f = formatters.get(key);
  if (!f) {
    f = zoneName
      ? new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
      : new Intl.DateTimeFormat("en-US", {
          timeZone,
          hourCycle: "h23",
          era: "short",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        });
    formatters.set(key, f);
  }
  return f;
}

/** Whether the runtime knows the IANA zone `name`. */
export function isKnownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function intlOffset(timeZone: string, unixSec: number): number {
  const date = new Date(unixSec * 1000);
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const local =
    daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 +
    Number(parts.hour) * 3600 +
    Number(parts.minute) * 60 +
    Number(parts.second);
  return local - unixSec;
}

function numericAbbreviation(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  return `${sign}${String(h).padStart(2, "0")}${m ? String(m).padStart(2, "0") : ""}`;
}

function intlAbbreviation(timeZone: string, unixSec: number, offset: number): string {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC";
  const override = ABBREVIATION_OVERRIDES[timeZone];
  if (override) {
    const january = intlOffset(timeZone, unixSec - (unixSec % 31536000));
    const isDst = override[1] !== undefined && offset !== january && offset > january;
    return isDst ? override[1]! : override[0];
  }
  const date = new Date(unixSec * 1000);
  for (const locale of ["en-US", "en-GB", "en-AU", "en-NZ", "en-IN"]) {
    const name = formatter(timeZone, "short", locale)
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName")?.value;
    if (name && /^[A-Z]{2,5}$/.test(name) && name !== "GMT") return name;
    if (name === "GMT" && offset === 0) return "GMT";
  }
  return numericAbbreviation(offset);
}

/** The runtime's local zone (Go's time.Local). */
function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

export class GoLocation extends GoStruct {
  readonly goTypeName = "*time.Location";
  readonly name: string;
  readonly #zone: string | null;
  readonly #fixed: Zone | null;

  constructor(name: string, zone: string | null, fixed: Zone | null = null) {
    super();
    this.name = name;
    this.#zone = zone;
    this.#fixed = fixed;
  }

  static readonly UTC = new GoLocation("UTC", null, { name: "UTC", offset: 0 });
  static readonly Local = new GoLocation("Local", "");

  static fixed(name: string, offset: number): GoLocation {
    return new GoLocation(name, null, { name, offset });
  }

  /** time.LoadLocation: "" and "UTC" → UTC, "Local" → Local, else an IANA zone; null if unknown. */
  static load(name: string): GoLocation | null {
    if (name === "" || name === "UTC") return GoLocation.UTC;
    if (name === "Local") return GoLocation.Local;
    if (!isKnownZone(name)) return null;
    return new GoLocation(name, name);
  }

  /** The zone abbreviation and offset (seconds east of UTC) in effect at `unixSec`. */
  lookup(unixSec: number): Zone {
    if (this.#fixed) return this.#fixed;
    const zone = this.#zone || localZoneName();
    if (zone === "UTC" || zone === "Etc/UTC") return { name: "UTC", offset: 0 };
    const offset = intlOffset(zone, unixSec);
    return { name: intlAbbreviation(zone, unixSec, offset), offset };
  }

  String(): string {
    return this.name;
  }
}

/** time.Month: prints as "January". */
export class GoMonth extends GoStruct {
  readonly goTypeName = "time.Month";
  constructor(readonly value: number) {
    super();
  }
  String(): string {
    return MONTHS[this.value - 1] ?? `%!Month(${this.value})`;
  }
}

/** time.Weekday: prints as "Sunday". */
export class GoWeekday extends GoStruct {
  readonly goTypeName = "time.Weekday";
  constructor(readonly value: number) {
    super();
  }
  String(): string {
    return DAYS[this.value] ?? `%!Weekday(${this.value})`;
  }
}

const NS_PER_SEC = 1000000000n;

export class GoTime extends GoStruct {
  readonly goTypeName = "time.Time";
  /** Seconds since the Unix epoch. */
  readonly sec: bigint;
  /** Nanoseconds within the second, 0 ≤ nsec < 1e9. */
  readonly nsec: number;
  readonly loc: GoLocation;
  /** Monotonic clock reading in nanoseconds (only from `now`), printed as "m=+…". */
  readonly mono: bigint | null;

  constructor(sec: bigint, nsec: number, loc: GoLocation, mono: bigint | null = null) {
    super();
    this.sec = sec;
    this.nsec = nsec;
    this.loc = loc;
    this.mono = mono;
  }

  static fromUnixNanos(ns: bigint, loc: GoLocation, mono: bigint | null = null): GoTime {
    let sec = ns / NS_PER_SEC;
    let nsec = ns % NS_PER_SEC;
    if (nsec < 0n) {
      nsec += NS_PER_SEC;
      sec -= 1n;
    }
    return new GoTime(sec, Number(nsec), loc, mono);
  }

  /** time.Now(): wall clock with a monotonic reading, in Local. */
  static now(): GoTime {
    const ms = performance.timeOrigin + performance.now();
    const ns = BigInt(Math.floor(ms)) * 1000000n + BigInt(Math.round((ms % 1) * 1e6));
    return GoTime.fromUnixNanos(ns, GoLocation.Local, BigInt(Math.round(performance.now() * 1e6)));
  }

  /** The zero Time: January 1, year 1, 00:00:00 UTC. */
  static zero(): GoTime {
    return new GoTime(BigInt(daysFromCivil(1, 1, 1)) * 86400n, 0, GoLocation.UTC);
  }

  /** time.Date, normalizing out-of-range fields the way Go does. */
  static date(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, loc: GoLocation): GoTime {
    let m = month - 1;
    year += Math.floor(m / 12);
    m = ((m % 12) + 12) % 12;
    sec += Math.floor(nsec / 1e9);
    nsec = ((nsec % 1e9) + 1e9) % 1e9;
    const days = daysFromCivil(year, m + 1, 1) + day - 1;
    const local = BigInt(days) * 86400n + BigInt(hour) * 3600n + BigInt(min) * 60n + BigInt(sec);
    let offset = loc.lookup(Number(local)).offset;
    if (offset !== 0) {
      const second = loc.lookup(Number(local) - offset).offset;
      if (second !== offset) offset = second;
    }
    return new GoTime(local - BigInt(offset), nsec, loc);
  }

  unixNanos(): bigint {
    return this.sec * NS_PER_SEC + BigInt(this.nsec);
  }

  zone(): Zone {
    return this.loc.lookup(Number(this.sec));
  }

  /** Calendar fields in the time's zone. */
  fields() {
    const { offset, name } = this.zone();
    const local = Number(this.sec) + offset;
    const days = Math.floor(local / 86400);
    const secOfDay = local - days * 86400;
    const [year, month, day] = civilFromDays(days);
    const yday = days - daysFromCivil(year, 1, 1) + 1;
    return {
      year,
      month,
      day,
      yday,
      hour: Math.floor(secOfDay / 3600),
      min: Math.floor((secOfDay % 3600) / 60),
      sec: secOfDay % 60,
      weekday: (((days + 4) % 7) + 7) % 7,
      offset,
      zoneName: name,
    };
  }

  in(loc: GoLocation): GoTime {
    return new GoTime(this.sec, this.nsec, loc, this.mono);
  }

  addNanos(d: bigint): GoTime {
    const t = GoTime.fromUnixNanos(this.unixNanos() + d, this.loc, this.mono === null ? null : this.mono + d);
    return t;
  }

  /** Time.Format with a Go layout ("2006-01-02T15:04:05Z07:00"). */
  Format(layout: GoValue): string {
    return formatTime(this, String(layout ?? ""));
  }

  String(): string {
    let s = formatTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
    if (this.mono !== null) {
      const m = this.mono;
      const sign = m < 0n ? "-" : "+";
      const abs = m < 0n ? -m : m;
      s += ` m=${sign}${abs / NS_PER_SEC}.${String(abs % NS_PER_SEC).padStart(9, "0")}`;
    }
    return s;
  }

  Unix(): bigint {
    return this.sec;
  }
  UnixMilli(): bigint {
    return this.unixNanos() / 1000000n;
  }
  UnixMicro(): bigint {
    return this.unixNanos() / 1000n;
  }
  UnixNano(): bigint {
    return this.unixNanos();
  }
  Year(): bigint {
    return BigInt(this.fields().year);
  }
  Month(): GoMonth {
    return new GoMonth(this.fields().month);
  }
  Day(): bigint {
    return BigInt(this.fields().day);
  }
  YearDay(): bigint {
    return BigInt(this.fields().yday);
  }
  Weekday(): GoWeekday {
    return new GoWeekday(this.fields().weekday);
  }
  Hour(): bigint {
    return BigInt(this.fields().hour);
  }
  Minute(): bigint {
    return BigInt(this.fields().min);
  }
  Second(): bigint {
    return BigInt(this.fields().sec);
  }
  Nanosecond(): bigint {
    return BigInt(this.nsec);
  }
  UTC(): GoTime {
    return new GoTime(this.sec, this.nsec, GoLocation.UTC, this.mono);
  }
  Local(): GoTime {
    return new GoTime(this.sec, this.nsec, GoLocation.Local, this.mono);
  }
  Location(): GoLocation {
    return this.loc;
  }
  IsZero(): boolean {
    return this.sec === GoTime.zero().sec && this.nsec === 0;
  }
  Add(d: GoValue): GoTime {
    return this.addNanos(BigInt(d as bigint));
  }
  AddDate(years: GoValue, months: GoValue, days: GoValue): GoTime {
    const f = this.fields();
    return GoTime.date(f.year + Number(years), f.month + Number(months), f.day + Number(days), f.hour, f.min, f.sec, this.nsec, this.loc);
  }
  Sub(other: GoValue): bigint {
    return this.unixNanos() - (other as GoTime).unixNanos();
  }
  Before(other: GoValue): boolean {
    return this.unixNanos() < (other as GoTime).unixNanos();
  }
  After(other: GoValue): boolean {
    return this.unixNanos() > (other as GoTime).unixNanos();
  }
  Equal(other: GoValue): boolean {
    return this.unixNanos() === (other as GoTime).unixNanos();
  }
  Truncate(d: GoValue): GoTime {
    const step = BigInt(d as bigint);
    if (step <= 0n) return this;
    const sinceZero = this.unixNanos() - GoTime.zero().unixNanos();
    return this.addNanos(-(sinceZero % step));
  }
  Round(d: GoValue): GoTime {
    const step = BigInt(d as bigint);
    if (step <= 0n) return this;
    const r = (this.unixNanos() - GoTime.zero().unixNanos()) % step;
    return r + r < step ? this.addNanos(-r) : this.addNanos(step - r);
  }

  [jsonValue](): GoValue {
    return formatTime(this, "2006-01-02T15:04:05.999999999Z07:00");
  }
}

// ---- layouts -------------------------------------------------------------------------------

const enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  prefix: string;
  std: Std;
  /** Digits of a fractional-second element and its separator. */
  digits?: number;
  separator?: string;
  text: string;
  suffix: string;
}

const STD0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function startsWithLowerCase(s: string): boolean {
  return s.length > 0 && s[0]! >= "a" && s[0]! <= "z";
}

function isDigitAt(s: string, i: number): boolean {
  return i < s.length && s[i]! >= "0" && s[i]! <= "9";
}

/** time's nextStdChunk: the literal prefix, the next layout element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, length: number, extra: Partial<Chunk> = {}): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    text: layout.slice(i, i + length),
    suffix: layout.slice(i + length),
    ...extra,
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (s: string) => layout.startsWith(s, i);
    switch (c) {
      case "J":
        if (at("Jan")) {
          if (at("January")) return chunk(i, Std.LongMonth, 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.Month, 3);
        }
        break;
      case "M":
        if (at("Mon")) {
          if (at("Monday")) return chunk(i, Std.LongWeekDay, 6);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.WeekDay, 3);
        }
        if (at("MST")) return chunk(i, Std.TZ, 3);
        break;
      case "0":
        if (layout[i + 1] !== undefined && layout[i + 1]! >= "1" && layout[i + 1]! <= "6") {
          return chunk(i, STD0X[Number(layout[i + 1]) - 1]!, 2);
        }
        if (at("002")) return chunk(i, Std.ZeroYearDay, 3);
        break;
      case "1":
        if (layout[i + 1] === "5") return chunk(i, Std.Hour, 2);
        return chunk(i, Std.NumMonth, 1);
      case "2":
        if (at("2006")) return chunk(i, Std.LongYear, 4);
        return chunk(i, Std.Day, 1);
      case "_":
        if (layout[i + 1] === "2") {
          if (layout.startsWith("2006", i + 1)) return chunk(i + 1, Std.LongYear, 4);
          return chunk(i, Std.UnderDay, 2);
        }
        if (at("__2")) return chunk(i, Std.UnderYearDay, 3);
        break;
      case "3":
        return chunk(i, Std.Hour12, 1);
      case "4":
        return chunk(i, Std.Minute, 1);
      case "5":
        return chunk(i, Std.Second, 1);
      case "P":
        if (layout[i + 1] === "M") return chunk(i, Std.PM, 2);
        break;
      case "p":
        if (layout[i + 1] === "m") return chunk(i, Std.pm, 2);
        break;
      case "-":
        if (at("-070000")) return chunk(i, Std.NumSecondsTz, 7);
        if (at("-07:00:00")) return chunk(i, Std.NumColonSecondsTZ, 9);
        if (at("-0700")) return chunk(i, Std.NumTZ, 5);
        if (at("-07:00")) return chunk(i, Std.NumColonTZ, 6);
        if (at("-07")) return chunk(i, Std.NumShortTZ, 3);
        break;
      case "Z":
        if (at("Z070000")) return chunk(i, Std.ISO8601SecondsTZ, 7);
        if (at("Z07:00:00")) return chunk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (at("Z0700")) return chunk(i, Std.ISO8601TZ, 5);
        if (at("Z07:00")) return chunk(i, Std.ISO8601ColonTZ, 6);
        if (at("Z07")) return chunk(i, Std.ISO8601ShortTZ, 3);
        break;
      case ".":
      case ",":
        if (layout[i + 1] === "0" || layout[i + 1] === "9") {
          const ch = layout[i + 1]!;
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return chunk(i, ch === "0" ? Std.FracSecond0 : Std.FracSecond9, j - i, { digits: j - (i + 1), separator: c });
          }
        }
        break;
    }
  }
  return { prefix: layout, std: Std.None, text: "", suffix: "" };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/** Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = "";
  let rest = layout;
  while (rest !== "") {
    const c = nextStdChunk(rest);
    out += c.prefix;
    if (c.std === Std.None) break;
    rest = c.suffix;
    switch (c.std) {
      case Std.Year:
        out += pad(Math.abs(f.year) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(f.year, 4);
        break;
      case Std.Month:
        out += MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case Std.LongMonth:
        out += MONTHS[f.month - 1];
        break;
      case Std.NumMonth:
        out += f.month;
        break;
      case Std.ZeroMonth:
        out += pad(f.month, 2);
        break;
      case Std.WeekDay:
        out += DAYS[f.weekday]!.slice(0, 3);
        break;
      case Std.LongWeekDay:
        out += DAYS[f.weekday];
        break;
      case Std.Day:
        out += f.day;
        break;
      case Std.UnderDay:
        out += (f.day < 10 ? " " : "") + f.day;
        break;
      case Std.ZeroDay:
        out += pad(f.day, 2);
        break;
      case Std.UnderYearDay:
        out += (f.yday < 100 ? (f.yday < 10 ? "  " : " ") : "") + f.yday;
        break;
      case Std.ZeroYearDay:
        out += pad(f.yday, 3);
        break;
      case Std.Hour:
        out += pad(f.hour, 2);
        break;
      case Std.Hour12:
        out += f.hour % 12 === 0 ? 12 : f.hour % 12;
        break;
      case Std.ZeroHour12:
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case Std.Minute:
        out += f.min;
        break;
      case Std.ZeroMinute:
        out += pad(f.min, 2);
        break;
      case Std.Second:
        out += f.sec;
        break;
      case Std.ZeroSecond:
        out += pad(f.sec, 2);
        break;
      case Std.PM:
        out += f.hour >= 12 ? "PM" : "AM";
        break;
      case Std.pm:
        out += f.hour >= 12 ? "pm" : "am";
        break;
      case Std.TZ:
        if (f.zoneName !== "") out += f.zoneName;
        else {
          const zone = Math.trunc(f.offset / 60);
          out += (zone < 0 ? "-" : "+") + pad(Math.trunc(Math.abs(zone) / 60), 2) + pad(Math.abs(zone) % 60, 2);
        }
        break;
      case Std.FracSecond0:
      case Std.FracSecond9: {
        let digits = String(t.nsec).padStart(9, "0").slice(0, Math.min(c.digits!, 9));
        if (c.std === Std.FracSecond9) {
          digits = digits.replace(/0+$/, "");
          if (digits === "") break;
        }
        out += c.separator + digits;
        break;
      }
      default: {
        const iso = [Std.ISO8601TZ, Std.ISO8601ColonTZ, Std.ISO8601SecondsTZ, Std.ISO8601ShortTZ, Std.ISO8601ColonSecondsTZ].includes(c.std);
        if (f.offset === 0 && iso) {
          out += "Z";
          break;
        }
        let zone = Math.trunc(f.offset / 60);
        let absOffset = f.offset;
        if (zone < 0) {
          out += "-";
          zone = -zone;
          absOffset = -absOffset;
        } else out += "+";
        out += pad(Math.trunc(zone / 60), 2);
        if ([Std.ISO8601ColonTZ, Std.NumColonTZ, Std.ISO8601ColonSecondsTZ, Std.NumColonSecondsTZ].includes(c.std)) out += ":";
        if (c.std !== Std.NumShortTZ && c.std !== Std.ISO8601ShortTZ) out += pad(zone % 60, 2);
        if ([Std.ISO8601SecondsTZ, Std.NumSecondsTz, Std.NumColonSecondsTZ, Std.ISO8601ColonSecondsTZ].includes(c.std)) {
          if (c.std === Std.NumColonSecondsTZ || c.std === Std.ISO8601ColonSecondsTZ) out += ":";
          out += pad(absOffset % 60, 2);
        }
      }
    }
  }
  return out;
}

// ---- parsing -------------------------------------------------------------------------------

export class TimeParseError extends Error {
  override name = "TimeParseError";
}

class Bad extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): TimeParseError {
  if (message === "") {
    return new TimeParseError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  return new TimeParseError(`parsing time ${timeQuote(value)}${message}`);
}

function cutSpace(s: string): string {
  return s.replace(/^ +/, "");
}

function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") throw new Bad();
      prefix = cutSpace(prefix);
      value = cutSpace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function getNum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getNum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [n, s.slice(i)];
}

function lookupName(table: string[], value: string): [number, string] {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]!;
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, value.slice(name.length)];
    }
  }
  throw new Bad();
}

function atoi(s: string): number {
  const m = /^[+-]?[0-9]+$/.exec(s);
  if (!m) throw new Bad();
  return Number(s);
}

function parseNanoseconds(value: string, nbytes: number): number {
  if (value[0] !== "." && value[0] !== ",") throw new Bad();
  if (nbytes > 10) nbytes = 10;
  const digits = value.slice(1, nbytes);
  if (!/^[0-9]+$/.test(digits)) throw new Bad();
  return Number(digits) * 10 ** (10 - nbytes);
}

function parseTimeZoneName(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith("ChST") || value.startsWith("MeST")) return 4;
  if (value.startsWith("GMT")) {
    const m = /^GMT([+-]\d{1,2})?/.exec(value);
    return m![0].length;
  }
  if (value[0] === "+" || value[0] === "-") {
    const m = /^[+-]\d{2}(?::?\d{2})?/.exec(value);
    return m ? m[0].length : 0;
  }
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper]! >= "A" && value[upper]! <= "Z") upper++;
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return value[3] === "T" || value.startsWith("WITA") ? 4 : 0;
    case 5:
      return value[4] === "T" ? 5 : 0;
  }
  return 0;
}

const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const SHORT_DAYS = DAYS.map((d) => d.slice(0, 3));

/** time.ParseInLocation(layout, value, loc); throws TimeParseError with Go's message. */
export function parseTime(layout: string, value: string, loc: GoLocation): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = "";
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: GoLocation | null = null;
  let zoneOffset = -1;
  let zoneName = "";
  for (;;) {
    const c = nextStdChunk(layout);
    try {
      value = skip(value, c.prefix);
    } catch {
      throw parseError(alayout, avalue, c.prefix, value, "");
    }
    if (c.std === Std.None) {
      if (value.length !== 0) throw parseError(alayout, avalue, "", value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = c.suffix;
    const hold = value;
    try {
      switch (c.std) {
        case Std.Year: {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          try {
            year = atoi(p);
          } catch (error) {
            value = hold;
            throw error;
          }
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case Std.LongYear:
          if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad();
          year = atoi(value.slice(0, 4));
          value = value.slice(4);
          break;
        case Std.Month:
          [month, value] = lookupName(SHORT_MONTHS, value);
          month++;
          break;
        case Std.LongMonth:
          [month, value] = lookupName(MONTHS, value);
          month++;
          break;
        case Std.NumMonth:
        case Std.ZeroMonth:
          [month, value] = getNum(value, c.std === Std.ZeroMonth);
          if (month <= 0 || month > 12) rangeErr = "month";
          break;
        case Std.WeekDay:
          [, value] = lookupName(SHORT_DAYS, value);
          break;
        case Std.LongWeekDay:
          [, value] = lookupName(DAYS, value);
          break;
        case Std.Day:
        case Std.UnderDay:
        case Std.ZeroDay:
          if (c.std === Std.UnderDay && value[0] === " ") value = value.slice(1);
          [day, value] = getNum(value, c.std === Std.ZeroDay);
          break;
        case Std.UnderYearDay:
        case Std.ZeroYearDay:
          for (let i = 0; i < 2; i++) if (c.std === Std.UnderYearDay && value[0] === " ") value = value.slice(1);
          [yday, value] = getNum3(value, c.std === Std.ZeroYearDay);
          break;
        case Std.Hour:
          [hour, value] = getNum(value, false);
          if (hour < 0 || hour >= 24) rangeErr = "hour";
          break;
        case Std.Hour12:
        case Std.ZeroHour12:
          [hour, value] = getNum(value, c.std === Std.ZeroHour12);
          if (hour < 0 || hour > 12) rangeErr = "hour";
          break;
        case Std.Minute:
        case Std.ZeroMinute:
          [min, value] = getNum(value, c.std === Std.ZeroMinute);
          if (min < 0 || min >= 60) rangeErr = "minute";
          break;
        case Std.Second:
        case Std.ZeroSecond: {
          [sec, value] = getNum(value, c.std === Std.ZeroSecond);
          if (sec < 0 || sec >= 60) {
            rangeErr = "second";
            break;
          }
          if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
            let n = 2;
            while (n < value.length && isDigitAt(value, n)) n++;
            nsec = parseNanoseconds(value, n);
            value = value.slice(n);
          }
          break;
        }
        case Std.PM:
        case Std.pm: {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          const [pm, am] = c.std === Std.PM ? ["PM", "AM"] : ["pm", "am"];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw new Bad();
          break;
        }
        case Std.TZ: {
          if (value.startsWith("UTC")) {
            z = GoLocation.UTC;
            value = value.slice(3);
            break;
          }
          const n = parseTimeZoneName(value);
          if (n === 0) throw new Bad();
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case Std.FracSecond0: {
          const ndigit = 1 + c.digits!;
          if (value.length < ndigit) throw new Bad();
          nsec = parseNanoseconds(value, ndigit);
          value = value.slice(ndigit);
          break;
        }
        case Std.FracSecond9: {
          if (value.length < 2 || (value[0] !== "." && value[0] !== ",") || !isDigitAt(value, 1)) break;
          let i = 0;
          while (i < 9 && i + 1 < value.length && isDigitAt(value, i + 1)) i++;
          nsec = parseNanoseconds(value, 1 + i);
          value = value.slice(1 + i);
          break;
        }
        default: {
          const std = c.std;
          if ((std === Std.ISO8601TZ || std === Std.ISO8601ShortTZ || std === Std.ISO8601ColonTZ) && value[0] === "Z") {
            value = value.slice(1);
            z = GoLocation.UTC;
            break;
          }
          let sign: string;
          let hh: string;
          let mm = "00";
          let ss = "00";
          if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
            if (value.length < 6 || value[3] !== ":") throw new Bad();
            [sign, hh, mm, value] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(6)];
          } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
            if (value.length < 3) throw new Bad();
            [sign, hh, value] = [value[0]!, value.slice(1, 3), value.slice(3)];
          } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
            if (value.length < 9 || value[3] !== ":" || value[6] !== ":") throw new Bad();
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
          } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
            if (value.length < 7) throw new Bad();
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
          } else {
            if (value.length < 5) throw new Bad();
            [sign, hh, mm, value] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5)];
          }
          zoneOffset = (atoi(hh) * 60 + atoi(mm)) * 60 + atoi(ss);
          if (sign === "-") zoneOffset = -zoneOffset;
          else if (sign !== "+") throw new Bad();
        }
      }
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      if (rangeErr !== "") throw parseError(alayout, avalue, c.text, value, `: ${rangeErr} out of range`);
      throw parseError(alayout, avalue, c.text, value, "");
    }
    if (rangeErr !== "") throw parseError(alayout, avalue, c.text, value, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError(alayout, avalue, "", value, ": day-of-year out of range");
    if (m === 0) {
      const before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      m = Math.floor((yday - 1) / 31) + 1;
      if (before[m]! < yday) m++;
      d = yday - before[m - 1]!;
    }
    if (month >= 0 && month !== m) throw parseError(alayout, avalue, "", value, ": day-of-year does not match month");
    month = m;
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, "", value, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, "", value, ": day out of range");

  if (z) return GoTime.date(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const utc = GoTime.date(year, month, day, hour, min, sec, nsec, GoLocation.UTC);
    const t = new GoTime(utc.sec - BigInt(zoneOffset), nsec, loc);
    const local = loc.lookup(Number(t.sec));
    if (local.offset === zoneOffset && (zoneName === "" || local.name === zoneName)) return t;
    return new GoTime(t.sec, nsec, GoLocation.fixed(zoneName, zoneOffset));
  }
  if (zoneName !== "") {
    const utc = GoTime.date(year, month, day, hour, min, sec, nsec, GoLocation.UTC);
    const local = loc.lookup(Number(utc.sec));
    if (local.name === zoneName) return new GoTime(utc.sec - BigInt(local.offset), nsec, loc);
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith("GMT")) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(utc.sec, nsec, GoLocation.fixed(zoneName, offset));
  }
  return GoTime.date(year, month, day, hour, min, sec, nsec, loc);
}

