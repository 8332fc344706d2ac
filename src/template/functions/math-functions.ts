import type { GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, defineVariadic, fail } from "./define.ts";
import { formatValue, shortestDigits } from "./format-value.ts";
import { toFloat64, toInt64, tryParseGoInt, wrapInt64 } from "./go-cast.ts";
import { untilStep } from "./list-functions.ts";

/**
 * sprig's arithmetic (numeric.go and functions.go): integer math converts every argument with
 * cast.ToInt64 (3.7 → 3, "12" → 12) and returns int64; the `f` variants go through
 * shopspring/decimal (so `addf 0.1 0.2` is 0.3) and return float64.
 */
export const mathFunctions: FunctionMap = {
  add1: define(["any"], (i) => wrapInt64(toInt64(i) + 1n)),
  add: defineVariadic([], "any", (values) => values.reduce<bigint>((sum, v) => wrapInt64(sum + toInt64(v)), 0n)),
  sub: define(["any", "any"], (a, b) => wrapInt64(toInt64(a) - toInt64(b))),
  div: define(["any", "any"], (a, b) => {
    const divisor = toInt64(b);
    if (divisor === 0n) fail("runtime error: integer divide by zero");
    return wrapInt64(toInt64(a) / divisor);
  }),
  mod: define(["any", "any"], (a, b) => {
    const divisor = toInt64(b);
    if (divisor === 0n) fail("runtime error: integer divide by zero");
    return toInt64(a) % divisor;
  }),
  mul: defineVariadic(["any"], "any", (a, rest) => rest.reduce<bigint>((product, v) => wrapInt64(product * toInt64(v)), toInt64(a))),
  randInt: define(["int", "int"], (min, max) => {
    const span = max - min;
    if (span <= 0n) fail("invalid argument to Intn");
    return min + randomBelow(span);
  }),
  add1f: define(["any"], (i) => decimalOp(i, [1n], (a, b) => addDecimal(a, b))),
  addf: defineVariadic([], "any", (values) => decimalOp(0, values, addDecimal)),
  subf: defineVariadic(["any"], "any", (a, rest) => decimalOp(a, rest, (x, y) => addDecimal(x, { value: -y.value, exp: y.exp }))),
  mulf: defineVariadic(["any"], "any", (a, rest) => decimalOp(a, rest, (x, y) => ({ value: x.value * y.value, exp: x.exp + y.exp }))),
  divf: defineVariadic(["any"], "any", (a, rest) => decimalOp(a, rest, divideDecimal)),
  biggest: defineVariadic(["any"], "any", (a, rest) => rest.map(toInt64).reduce((m, v) => (v > m ? v : m), toInt64(a))),
  max: defineVariadic(["any"], "any", (a, rest) => rest.map(toInt64).reduce((m, v) => (v > m ? v : m), toInt64(a))),
  min: defineVariadic(["any"], "any", (a, rest) => rest.map(toInt64).reduce((m, v) => (v < m ? v : m), toInt64(a))),
  maxf: defineVariadic(["any"], "any", (a, rest) => rest.map(toFloat64).reduce(goMax, toFloat64(a))),
  minf: defineVariadic(["any"], "any", (a, rest) => rest.map(toFloat64).reduce(goMin, toFloat64(a))),
  ceil: define(["any"], (a) => Math.ceil(toFloat64(a))),
  floor: define(["any"], (a) => Math.floor(toFloat64(a))),
  round: defineVariadic(["any", "int"], "float64", (a, places, roundOn) => round(toFloat64(a), Number(places), roundOn[0] ?? 0.5)),
  toDecimal: define(["any"], (v) => {
    const parsed = tryParseGoInt(formatValue(v), 8);
    return typeof parsed === "bigint" ? parsed : 0n;
  }),
  seq: defineVariadic([], "int", (params) => seq(params)),
  int: define(["any"], (v) => toInt64(v)),
  int64: define(["any"], (v) => toInt64(v)),
  float64: define(["any"], (v) => toFloat64(v)),
};

function goMax(a: number, b: number): number {
  if (a === Infinity || b === Infinity) return Infinity;
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? b : a;
  return a > b ? a : b;
}

function goMin(a: number, b: number): number {
  if (a === -Infinity || b === -Infinity) return -Infinity;
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? a : b;
  return a < b ? a : b;
}

/** A uniformly random bigint in [0, n). */
function randomBelow(n: bigint): bigint {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let r = 0n;
  for (const b of bytes) r = (r << 8n) | BigInt(b);
  return r % n;
}

function round(value: number, places: number, roundOn: number): number {
  const pow = 10 ** places;
  const digit = pow * value;
  const fraction = digit - Math.trunc(digit);
  return (fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function seq(params: bigint[]): string {
  const join = (values: bigint[]) => values.join(" ");
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const increment = end < 1n ? -1n : 1n;
      return join(untilStep(1n, end + increment, increment));
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      let increment = 1n;
      if (end < start) {
        increment = -1n;
        if (step > 0n) return "";
      }
      return join(untilStep(start, end + increment, step));
    }
  }
  return "";
}

interface Decimal {
  value: bigint;
  exp: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips the float. */
function decimalFromFloat(x: number): Decimal {
  if (Number.isNaN(x) || !Number.isFinite(x)) fail(`Cannot create a Decimal from ${formatValue(x)}`);
  if (x === 0) return { value: 0n, exp: 0 };
  const { digits, exp } = shortestDigits(x);
  const value = BigInt(digits);
  return { value: x < 0 ? -value : value, exp: exp - (digits.length - 1) };
}

function addDecimal(a: Decimal, b: Decimal): Decimal {
  const exp = Math.min(a.exp, b.exp);
  return { value: a.value * 10n ** BigInt(a.exp - exp) + b.value * 10n ** BigInt(b.exp - exp), exp };
}

/** decimal.Div: DivRound to 16 places, half away from zero. */
function divideDecimal(a: Decimal, b: Decimal): Decimal {
  if (b.value === 0n) fail("decimal division by 0");
  const precision = 16;
  const e = a.exp - b.exp + precision;
  const aa = e >= 0 ? a.value * 10n ** BigInt(e) : a.value;
  const bb = e >= 0 ? b.value : b.value * 10n ** BigInt(-e);
  let q = aa / bb;
  const r = aa - q * bb;
  const abs = (n: bigint) => (n < 0n ? -n : n);
  if (2n * abs(r) >= abs(bb)) q += (a.value < 0n) !== (b.value < 0n) ? -1n : 1n;
  return { value: q, exp: -precision };
}

function decimalOp(first: GoValue, rest: GoValue[], op: (a: Decimal, b: Decimal) => Decimal): number {
  let acc = decimalFromFloat(toFloat64(first));
  for (const v of rest) acc = op(acc, decimalFromFloat(toFloat64(v)));
  return Number(`${acc.value}e${acc.exp}`);
}

