import { tryParseGoFloat } from "./go-cast.ts";
import { GoLocation, parseTime } from "./go-time.ts";

/**
 * What a plain YAML scalar means to go-yaml (yaml.v2, YAML 1.1 flavoured, as Helm reads values
 * and writes toYaml; or yaml.v3 for toYamlPretty): "yes"/"on" are booleans in v2, "012" is the
 * octal int 10, "1_000" an int, "2020-01-02" a timestamp, "~" null.
 */
export type Resolved =
  | { tag: "str"; value: string }
  | { tag: "null"; value: null }
  | { tag: "bool"; value: boolean }
  | { tag: "int"; value: bigint }
  | { tag: "float"; value: number }
  | { tag: "timestamp"; value: string }
  | { tag: "merge"; value: string };

const V2_BOOLS: Record<string, boolean> = {};
for (const s of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) V2_BOOLS[s] = true;
for (const s of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) V2_BOOLS[s] = false;
const V3_BOOLS: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOATS: Record<string, number> = {
  ".nan": NaN,
  ".NaN": NaN,
  ".NAN": NaN,
  ".inf": Infinity,
  ".Inf": Infinity,
  ".INF": Infinity,
  "+.inf": Infinity,
  "+.Inf": Infinity,
  "+.INF": Infinity,
  "-.inf": -Infinity,
  "-.Inf": -Infinity,
  "-.INF": -Infinity,
};
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const TIMESTAMP_LAYOUTS = ["2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"];

/** strconv.ParseInt/ParseUint(s, 0, 64) without the range check (base prefixes, a leading 0 is octal). */
function parseInteger(s: string): bigint | null {
  let t = s;
  let negative = false;
  if (t[0] === "+" || t[0] === "-") {
    negative = t[0] === "-";
    t = t.slice(1);
  }
  let base = 10;
  if (t[0] === "0" && t.length >= 2) {
    const p = t[1]!.toLowerCase();
    if (t.length >= 3 && p === "b") [base, t] = [2, t.slice(2)];
    else if (t.length >= 3 && p === "o") [base, t] = [8, t.slice(2)];
    else if (t.length >= 3 && p === "x") [base, t] = [16, t.slice(2)];
    else [base, t] = [8, t.slice(1)];
  }
  const digits = "0123456789abcdef".slice(0, base);
  if (t === "" || ![...t.toLowerCase()].every((ch) => digits.includes(ch))) return null;
  const prefix = base === 2 ? "0b" : base === 8 ? "0o" : base === 16 ? "0x" : "";
  const value = BigInt(prefix + t);
  return negative ? -value : value;
}

function isTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  return TIMESTAMP_LAYOUTS.some((layout) => {
    try {
      parseTime(layout, s, GoLocation.UTC);
      return true;
    } catch {
      return false;
    }
  });
}

/** go-yaml's resolve("", text) for a plain scalar. */
export function resolveScalar(text: string, version: "v2" | "v3" = "v2"): Resolved {
  const first = text[0];
  const hint = first === undefined ? "N" : /[+-]/.test(first) ? "S" : /[0-9]/.test(first) ? "D" : /[yYnNtTfFoO~]/.test(first) ? "M" : first === "." ? "." : "";
  if (hint === "") return { tag: "str", value: text };
  const bools = version === "v2" ? V2_BOOLS : V3_BOOLS;
  if (Object.hasOwn(bools, text)) return { tag: "bool", value: bools[text]! };
  if (NULLS.has(text)) return { tag: "null", value: null };
  if (Object.hasOwn(SPECIAL_FLOATS, text)) return { tag: "float", value: SPECIAL_FLOATS[text]! };
  if (text === "<<") return { tag: "merge", value: text };
  if (hint === ".") {
    const value = tryParseGoFloat(text);
    if (typeof value === "number") return { tag: "float", value };
  }
  if (hint === "D" || hint === "S") {
    if (isTimestamp(text)) return { tag: "timestamp", value: text };
    const plain = text.replaceAll("_", "");
    const int = parseInteger(plain);
    if (int !== null) {
      const fitsInt64 = int >= -(1n << 63n) && int < 1n << 63n;
      const fitsUint64 = !/^[+-]/.test(plain) && int <= MAX_UINT64;
      if (fitsInt64 || fitsUint64) return { tag: "int", value: int };
    }
    if (YAML_STYLE_FLOAT.test(plain)) {
      const value = tryParseGoFloat(plain);
      if (typeof value === "number") return { tag: "float", value };
    }
    // go-yaml tries 0b (and, in v3, 0o) again in base 2 (8) afterwards, but strconv's base 0
    // has read those prefixes since Go 1.13, so that retry only fails again.
  }
  return { tag: "str", value: text };
}

/** go-yaml quotes these on output for YAML 1.1 parsers (base 60: "1:20"). */
export function isBase60Float(s: string): boolean {
  if (s === "" || !/^[-+0-9]/.test(s) || !s.includes(":")) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** yaml.v3 quotes YAML 1.1 booleans it no longer reads as booleans. */
export function isOldBool(s: string): boolean {
  return ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"].includes(s);
}

/** Whether go-yaml writes the string `s` unquoted (it would not read back as a string otherwise). */
export function canUsePlain(s: string, version: "v2" | "v3"): boolean {
  if (resolveScalar(s, version).tag !== "str" || isBase60Float(s)) return false;
  return version === "v2" || !isOldBool(s);
}
