import { quoteGoString } from "./quote-go-string.ts";
import { unquoteGoChar } from "./unquote-go-string.ts";

/** A number constant in every representation it fits (Go's parse.NumberNode fields). */
export interface GoNumber {
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
}

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/**
 * Go's parse.newNumber for a number or character token: decimal, 0x/0o/0b, leading-0 octal,
 * underscores, floats (1e3, .5, 0x1p-2) and character constants ('a', '\n', '\x41', '\u00e9').
 * @throws {Error} with Go's message ("integer overflow: \"…\"", "illegal number syntax: \"…\"",
 *   "malformed character constant: …", "invalid syntax")
 */
export function parseGoNumber(text: string, kind: "number" | "char" | "complex"): GoNumber {
  if (kind === "char") {
    const char = unquoteGoChar(text.slice(1), text[0]!);
    if (char.tail !== "'") throw new Error(`malformed character constant: ${text}`);
    const rune = BigInt(char.value);
    return { isInt: true, isUint: true, isFloat: true, int64: rune, uint64: rune, float64: char.value };
  }
  if (kind === "complex" || (text.endsWith("i") && parseGoFloat(text.slice(0, -1)) !== undefined)) {
    throw new Error(`complex constants are not supported: ${quoteGoString(text)}`);
  }
  let isInt = false;
  let isUint = false;
  let isFloat = false;
  let int64 = 0n;
  let uint64 = 0n;
  let float64 = 0;
  const u = parseGoUint(text);
  if (u !== undefined) {
    isUint = true;
    uint64 = u;
  }
  const i = parseGoInt(text);
  if (i !== undefined) {
    isInt = true;
    int64 = i;
    if (i === 0n) {
      isUint = true;
      uint64 = u ?? 0n;
    }
  }
  if (isInt) {
    isFloat = true;
    float64 = Number(int64);
  } else if (isUint) {
    isFloat = true;
    float64 = Number(uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quoteGoString(text)}`);
      isFloat = true;
      float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        isInt = true;
        int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        isUint = true;
        uint64 = BigInt(f);
      }
    }
  }
  if (!isInt && !isUint && !isFloat) throw new Error(`illegal number syntax: ${quoteGoString(text)}`);
  return { isInt, isUint, isFloat, int64, uint64, float64 };
}

/** strconv.ParseUint(s, 0, 64), or undefined on a syntax or range error. */
function parseGoUint(s0: string): bigint | undefined {
  if (s0 === "") return undefined;
  let s = s0;
  let base = 10;
  if (s[0] === "0") {
    const prefix = s.length >= 3 ? s[1]!.toLowerCase() : "";
    base = prefix === "b" ? 2 : prefix === "x" ? 16 : 8;
    s = prefix === "b" || prefix === "o" || prefix === "x" ? s.slice(2) : s.slice(1);
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === "_") {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
    if (n >= TWO_64) return undefined;
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n;
}

/** strconv.ParseInt(s, 0, 64), or undefined on a syntax or range error. */
function parseGoInt(s: string): bigint | undefined {
  if (s === "") return undefined;
  let neg = false;
  let rest = s;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    rest = s.slice(1);
  }
  const un = parseGoUint(rest);
  if (un === undefined) return undefined;
  if (!neg && un >= TWO_63) return undefined;
  if (neg && un > TWO_63) return undefined;
  return neg ? -un : un;
}

const DECIMAL_FLOAT = /^[+-]?([\d_]*(?:\.[\d_]*)?)(?:[eE][+-]?\d[\d_]*)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([\da-fA-F_]*)(?:\.([\da-fA-F_]*))?[pP]([+-]?\d[\d_]*)$/;

/** strconv.ParseFloat(s, 64), or undefined on a syntax or range error (±Inf). */
export function parseGoFloat(s: string): number | undefined {
  let value: number;
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const whole = hex[2]!.replaceAll("_", "");
    const fraction = (hex[3] ?? "").replaceAll("_", "");
    if (whole.length + fraction.length === 0) return undefined;
    const mantissa = BigInt(`0x${whole}${fraction}` === "0x" ? "0" : `0x${whole}${fraction}`);
    const exponent = Number(hex[4]!.replaceAll("_", "")) - 4 * fraction.length;
    value = scaleByPowerOfTwo(mantissa, exponent);
    if (hex[1] === "-") value = -value;
  } else {
    const decimal = DECIMAL_FLOAT.exec(s);
    if (!decimal || !/\d/.test(decimal[1]!)) return undefined;
    value = Number(s.replaceAll("_", ""));
  }
  if (s.includes("_") && !underscoreOK(s)) return undefined;
  if (!Number.isFinite(value)) return undefined;
  return value;
}

function scaleByPowerOfTwo(mantissa: bigint, exponent: number): number {
  const half = Math.trunc(exponent / 2);
  return Number(mantissa) * 2 ** half * 2 ** (exponent - half);
}

/** strconv's underscoreOK: underscores only between digits, or between a base prefix and a digit. */
export function underscoreOK(s0: string): boolean {
  let s = s0;
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = "0";
    hex = s[1]!.toLowerCase() === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}
