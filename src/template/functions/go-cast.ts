import type { GoValue } from "../go-value.ts";
import { underscoreOK } from "../parse-go-number.ts";

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** Go's float64 → int64 conversion: truncation; NaN and out-of-range give MinInt64 (amd64). */
export function floatToInt64(x: number): bigint {
  if (!Number.isFinite(x) || x >= 9223372036854775807 || x < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(x));
}

/** Wraps to int64 the way Go's integer arithmetic overflows. */
export function wrapInt64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** spf13/cast ToInt64 (errors give 0): numbers truncate, strings parse in base 0, bools are 0/1. */
export function toInt64(value: GoValue): bigint {
  switch (typeof value) {
    case "bigint":
      return wrapInt64(value);
    case "number":
      return floatToInt64(value);
    case "boolean":
      return value ? 1n : 0n;
    case "string": {
      const parsed = tryParseGoInt(trimZeroDecimal(value), 0);
      return typeof parsed === "bigint" ? parsed : 0n;
    }
  }
  return 0n;
}

/** spf13/cast ToFloat64 (errors give 0). */
export function toFloat64(value: GoValue): number {
  switch (typeof value) {
    case "bigint":
      return Number(value);
    case "number":
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "string": {
      const parsed = tryParseGoFloat(value);
      return typeof parsed === "number" ? parsed : 0;
    }
  }
  return 0;
}

/** spf13/cast's trimZeroDecimal: "1.00" → "1", "1.50" stays. */
function trimZeroDecimal(text: string): string {
  let foundZero = false;
  for (let i = text.length; i > 0; i--) {
    const ch = text[i - 1];
    if (ch === ".") {
      if (foundZero) return text.slice(0, i - 1);
    } else if (ch === "0") foundZero = true;
    else return text;
  }
  return text;
}

/**
 * strconv.ParseInt(text, base, 64): a bigint, or the Go error message
 * (`strconv.ParseInt: parsing "x": invalid syntax` / `value out of range`).
 */
export function tryParseGoInt(text: string, base: number): bigint | string {
  const fail = (why: string) => `strconv.ParseInt: parsing ${JSON.stringify(text)}: ${why}`;
  if (text === "") return fail("invalid syntax");
  let s = text;
  let negative = false;
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  let radix = base;
  if (base === 0) {
    radix = 10;
    if (s[0] === "0") {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && p === "b") [radix, s] = [2, s.slice(2)];
      else if (s.length >= 3 && p === "o") [radix, s] = [8, s.slice(2)];
      else if (s.length >= 3 && p === "x") [radix, s] = [16, s.slice(2)];
      else [radix, s] = [8, s.slice(1)];
    }
    if (s.includes("_")) {
      if (!underscoreOK(text.replace(/^[+-]/, ""))) return fail("invalid syntax");
      s = s.replaceAll("_", "");
    }
  }
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, radix);
  let n = 0n;
  for (const ch of s.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return fail("invalid syntax");
    n = n * BigInt(radix) + BigInt(d);
  }
  if (negative) n = -n;
  if (n < MIN_INT64 || n > MAX_INT64) return fail("value out of range");
  return n;
}

/**
 * strconv.ParseFloat(text, 64): a number, or the Go error message. Accepts Go's syntax only
 * (decimal, hex with p exponent, inf/infinity/nan, underscores after a base prefix).
 */
export function tryParseGoFloat(text: string): number | string {
  const fail = (why: string) => `strconv.ParseFloat: parsing ${JSON.stringify(text)}: ${why}`;
  if (text.includes("_")) {
    // Go's float syntax allows underscores between digits.
    if (!underscoreOK(text.replace(/^[+-]/, ""))) return fail("invalid syntax");
    const parsed = tryParseGoFloat(text.replaceAll("_", ""));
    return typeof parsed === "number" ? parsed : fail("invalid syntax");
  }
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === "nan") return special[1] ? fail("invalid syntax") : NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) return fail("value out of range");
    return value;
  }
  const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F_]*)\.?([0-9a-fA-F_]*)[pP]([+-]?\d+)$/.exec(text);
  if (hexFloat && (hexFloat[2] || hexFloat[3])) {
    const int = hexFloat[2]!.replaceAll("_", "");
    const frac = hexFloat[3]!.replaceAll("_", "");
    const mantissa = Number.parseInt(int + frac || "0", 16);
    const value = mantissa * 2 ** (Number(hexFloat[4]) - 4 * frac.length);
    if (!Number.isFinite(value)) return fail("value out of range");
    return hexFloat[1] === "-" ? -value : value;
  }
  if (/_/.test(text) && /^[+-]?0[xXbBoO]/.test(text)) return fail("invalid syntax");
  return fail("invalid syntax");
}
