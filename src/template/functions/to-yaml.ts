import { GoStruct, type GoMap, type GoValue } from "../go-value.ts";
import { formatFloat } from "./format-value.ts";
import { JsonNumber, jsonValue, marshalJson, parseJsonLiteral, type JsonMarshaler } from "./go-json.ts";
import { GoTime } from "./go-time.ts";
import { isNilCollection } from "./go-type.ts";
import { YamlEmitter, type YamlEvent } from "./yaml-emitter.ts";
import { canUsePlain, resolveScalar } from "./yaml-resolve.ts";

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && /^\p{Nd}$/u.test(ch);
}

/** go-yaml's keyList.Less for string keys: letters by code point, digit runs by value. */
export function compareYamlKeys(a: string, b: string, v3 = false): number {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)! ? -1 : 1;
    if (al || bl) {
      const less = v3 && digits ? al : bl;
      return less ? -1 : 1;
    }
    let an = 0n;
    let bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)! ? -1 : 1;
  }
  return ar.length < br.length ? -1 : ar.length > br.length ? 1 : 0;
}

function stringEvent(s: string, version: "v2" | "v3"): YamlEvent {
  if (s.includes("\n")) return { type: "scalar", value: s, style: "literal" };
  return { type: "scalar", value: s, style: canUsePlain(s, version) ? "plain" : "double" };
}

function floatText(x: number): string {
  const s = formatFloat(x);
  return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
}

/**
 * Go's JSON leaves U+0085 (NEL) unescaped, and YAML 1.1 reads it as a line break, which a
 * double-quoted scalar folds: one break becomes a space, n breaks n-1 newlines.
 */
function foldNel(s: string): string {
  if (!s.includes("\u0085")) return s;
  return s.replace(/[ \t]*\u0085(?:[ \t]*\u0085)*[ \t]*/g, (run) => {
    const breaks = [...run].filter((ch) => ch === "\u0085").length;
    return breaks === 1 ? " " : "\n".repeat(breaks - 1);
  });
}

/** Events yaml.v2 emits for what it decoded from JSON (sigs.k8s.io/yaml's JSONToYAML). */
function jsonEvents(node: GoValue | JsonNumber, out: YamlEvent[]): void {
  const plain = (value: string) => out.push({ type: "scalar", value, style: "plain" });
  if (node === null || node === undefined) return void plain("null");
  if (node instanceof JsonNumber) {
    const resolved = resolveScalar(node.text);
    return void plain(resolved.tag === "int" ? resolved.value.toString() : floatText(resolved.value as number));
  }
  switch (typeof node) {
    case "boolean":
      return void plain(node ? "true" : "false");
    case "string":
      return void out.push(stringEvent(foldNel(node), "v2"));
  }
  if (Array.isArray(node)) {
    out.push({ type: "seq-start" });
    for (const item of node) jsonEvents(item, out);
    out.push({ type: "seq-end" });
    return;
  }
  const map = node as GoMap;
  out.push({ type: "map-start" });
  for (const key of Object.keys(map).sort((a, b) => compareYamlKeys(foldNel(a), foldNel(b)))) {
    out.push(stringEvent(foldNel(key), "v2"));
    jsonEvents(map[key], out);
  }
  out.push({ type: "map-end" });
}

/**
 * sigs.k8s.io/yaml.Marshal as Helm's toYaml uses it: encode as JSON (sorted keys, Go's JSON
 * numbers), read that with yaml.v2 and write it back with yaml.v2. Throws the JSON error.
 */
export function marshalYaml(value: GoValue): string {
  const json = marshalJson(value);
  // JSON leaves these unescaped and YAML's reader rejects them, so Go's conversion fails.
  if (/[\x7f-\x84\x86-\x9f\ufffe\uffff]/.test(json)) throw new Error("error converting JSON to YAML: yaml: control characters are not allowed");
  const events: YamlEvent[] = [];
  jsonEvents(parseJsonLiteral(json), events);
  return new YamlEmitter().emitDocument(events);
}

/** Events yaml.v3 emits encoding a Go value directly (Helm's toYamlPretty). */
function valueEvents(value: GoValue, out: YamlEvent[]): void {
  const plain = (text: string) => out.push({ type: "scalar", value: text, style: "plain" });
  if (value === null || value === undefined) return void plain("null");
  switch (typeof value) {
    case "boolean":
      return void plain(value ? "true" : "false");
    case "bigint":
      return void plain(value.toString());
    case "number":
      return void plain(floatText(value));
    case "string":
      return void out.push(stringEvent(value, "v3"));
    case "function":
      throw new Error("cannot marshal type: func");
  }
  if (value instanceof GoTime) return void plain(String(value[jsonValue]()));
  if (value instanceof GoStruct) {
    const marshaler = value as unknown as Partial<JsonMarshaler>;
    if (typeof marshaler[jsonValue] === "function") return valueEvents(marshaler[jsonValue](), out);
    const fields: GoMap = {};
    for (const [key, field] of Object.entries(value)) {
      if (/^\p{Lu}/u.test(key) && typeof field !== "function") fields[key.toLowerCase()] = field as GoValue;
    }
    return valueEvents(fields, out);
  }
  if (value instanceof Uint8Array || Array.isArray(value)) {
    const items = value instanceof Uint8Array ? Array.from(value, (b) => BigInt(b)) : value;
    out.push({ type: "seq-start" });
    if (!isNilCollection(value)) for (const item of items) valueEvents(item, out);
    out.push({ type: "seq-end" });
    return;
  }
  const map = value as GoMap;
  out.push({ type: "map-start" });
  for (const key of Object.keys(map).sort((a, b) => compareYamlKeys(a, b, true))) {
    out.push(stringEvent(key, "v3"));
    valueEvents(map[key], out);
  }
  out.push({ type: "map-end" });
}

/** yaml.v3 Encoder with SetIndent(2), as Helm's toYamlPretty. */
export function marshalYamlPretty(value: GoValue): string {
  const events: YamlEvent[] = [];
  valueEvents(value, events);
  return new YamlEmitter({ v3: true, indent: 2 }).emitDocument(events);
}
