import { goSprint } from "../go-sprint.ts";
import type { GoValue } from "../go-value.ts";
import { decodeUtf8 } from "./go-string.ts";

/** Go's `fmt.Sprint` / `%v` of one value, through the engine's printer (maps sorted, 1e+06, <nil>). */
export function formatValue(value: GoValue): string {
  return goSprint(value ?? null);
}

/** strconv.FormatFloat(x, 'g', -1, 64), which is also what `%v` prints for a float64. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const { digits, exp } = shortestDigits(x);
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  return sign + fixed(digits, exp);
}

/** strconv.FormatFloat(x, 'g', -1, 32): the shortest digits that read back as the same float32. */
export function formatFloat32(x: number): string {
  const float32 = Math.fround(x);
  if (!Number.isFinite(float32) || float32 === 0) return formatFloat(float32);
  let precision = 1;
  while (precision < 9 && Math.fround(Number(float32.toPrecision(precision))) !== float32) precision++;
  return formatFloat(Number(float32.toPrecision(precision)));
}

/** strconv.FormatFloat(x, 'f', -1, 64): shortest digits, no exponent. */
export function formatFloatFixed(x: number): string {
  if (!Number.isFinite(x)) return formatFloat(x);
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const { digits, exp } = shortestDigits(x);
  return (x < 0 ? "-" : "") + fixed(digits, exp);
}

/** The shortest decimal digits that round-trip `x`, and the decimal exponent of the first. */
export function shortestDigits(x: number): { digits: string; exp: number } {
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  return { digits: mantissa.replace(".", ""), exp: Number(exponent) };
}

function fixed(digits: string, exp: number): string {
  const point = exp + 1;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** sprig's strval: strings as is, []byte as text, Stringers through String(), else `%v`. */
export function strval(value: GoValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return decodeUtf8(value);
  return formatValue(value);
}
