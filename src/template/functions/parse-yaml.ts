import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";
import type { GoMap, GoValue } from "../go-value.ts";
import { formatFloat } from "./format-value.ts";
import { base64Decode } from "./encoding-functions.ts";
import { decodeUtf8, goQuote } from "./go-string.ts";
import { resolveScalar } from "./yaml-resolve.ts";

/**
 * sigs.k8s.io/yaml.Unmarshal into interface{} as Helm's fromYaml uses it: the first document is
 * read with yaml.v2's YAML 1.1 rules (yes/on are true, 012 is 10, timestamps stay strings, `<<`
 * merges), then goes through JSON, so map keys become strings and every number a float64.
 * The text is parsed with the `yaml` package; its syntax errors are reported in yaml.v2's form
 * ("yaml: line 2: …") with libyaml's wording for the common cases.
 */
export class YamlError extends Error {
  override name = "YamlError";
}

const TAG = "tag:yaml.org,2002:";

/** FormatFloat(f, 'g', -1, 32): what sigs.k8s.io/yaml makes of a float map key. */
function float32Key(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? ".nan" : x > 0 ? ".inf" : "-.inf";
  const f = Math.fround(x);
  let text = String(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toPrecision(p);
    if (Math.fround(Number(candidate)) === f) {
      text = candidate;
      break;
    }
  }
  return formatFloat(Number(text));
}

/**
 * yaml.v2's message for a syntax error the `yaml` package found: libyaml's wording, and its line
 * rule — "line N: " is left out when the problem is on the first line (scanner errors) and parser
 * errors at the end of input count the line libyaml adds there.
 */
function libyamlError(text: string, code: string, message: string, line: number): string {
  const linesAtEnd = (text.match(/\n/g)?.length ?? 0) + (text.endsWith("\n") || text === "" ? 0 : 1);
  const where = (n: number) => (n > 0 ? `line ${n}: ` : "");
  const scanner = (msg: string) => `yaml: ${where(line > 1 ? line : 0)}${msg}`;
  switch (code) {
    case "TAB_AS_INDENT":
      return scanner("found character that cannot start any token");
    case "BLOCK_AS_IMPLICIT_KEY":
      if (message.startsWith("Nested mappings")) return scanner("mapping values are not allowed in this context");
      break;
    case "BAD_INDENT":
    case "MISSING_CHAR":
      if (message.startsWith("Flow sequence")) return `yaml: ${where(linesAtEnd)}did not find expected ',' or ']'`;
      if (message.startsWith("Flow map")) return `yaml: ${where(linesAtEnd)}did not find expected ',' or '}'`;
      if (message.includes("quote")) return `yaml: ${where(line > 1 ? (text.match(/\n/g)?.length ?? 0) + 1 : 0)}found unexpected end of stream`;
      break;
  }
  return `yaml: line ${line}: did not find expected key`;
}

class Converter {
  readonly #doc: Document;
  readonly #text: string;
  #depth = 0;

  constructor(doc: Document, text: string) {
    this.#doc = doc;
    this.#text = text;
  }

  convert(node: unknown): GoValue {
    if (node === null || node === undefined) return null;
    if (++this.#depth > 10000) throw new YamlError("yaml: exceeded max depth of 10000");
    try {
      if (isAlias(node)) return this.convert(this.#resolve(node));
      if (isScalar(node)) return this.#scalar(node as Node & { value: unknown; type?: string; tag?: string });
      if (isSeq(node)) return node.items.map((item) => this.convert(item));
      if (isMap(node)) return this.#mapping(node.items);
    } finally {
      this.#depth--;
    }
    return null;
  }

  #resolve(alias: { source: string; resolve(doc: Document): unknown }): unknown {
    const target = alias.resolve(this.#doc);
    if (target === undefined) throw new YamlError(`yaml: unknown anchor '${alias.source}' referenced`);
    return target;
  }

  #scalar(node: { value: unknown; type?: string; tag?: string; range?: readonly number[] | null }): GoValue {
    if (node.value instanceof Uint8Array) return decodeUtf8(node.value);
    let text = String(node.value ?? "");
    // libyaml has no line break to keep at the end of a block scalar that ends the input.
    const blockAtEnd = (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") && (node.range?.[1] ?? 0) >= this.#text.length;
    if (blockAtEnd && !this.#text.endsWith("\n") && text.endsWith("\n")) text = text.slice(0, -1);
    const tag = node.tag;
    const plain = node.type === "PLAIN";
    if (!tag) {
      if (!plain) return text;
      const resolved = resolveScalar(text);
      switch (resolved.tag) {
        case "int":
          return Number(resolved.value);
        case "timestamp":
        case "merge":
          return resolved.value;
      }
      return resolved.value;
    }
    if (!tag.startsWith(TAG)) return text;
    const want = tag.slice(TAG.length);
    if (want === "str") return text;
    if (want === "binary") {
      const bytes = base64Decode(text.replace(/\s/g, ""));
      if (typeof bytes === "string") throw new YamlError("yaml: !!binary value contains invalid base64 data");
      return decodeUtf8(bytes);
    }
    const resolved = resolveScalar(text);
    const got = resolved.tag;
    if (got === want || (want === "float" && got === "int")) return got === "int" ? Number(resolved.value) : resolved.value;
    if (want === "timestamp" && got === "timestamp") return text;
    throw new YamlError(`yaml: cannot decode !!${got} \`${text}\` as a !!${want}`);
  }

  #keyString(key: unknown, value: GoValue): string {
    if (isScalar(key) && !(key as { tag?: string }).tag && key.type !== "PLAIN") return String(key.value ?? "");
    if (isAlias(key)) return this.#keyString(this.#resolve(key), value);
    if (key !== null && key !== undefined && !isScalar(key)) {
      throw new YamlError("runtime error: hash of unhashable type map[interface {}]interface {}");
    }
    const text = isScalar(key) ? String(key.value ?? "") : "";
    const tag = isScalar(key) ? (key as { tag?: string }).tag : undefined;
    if (tag === `${TAG}str` || (tag && !tag.startsWith(TAG))) return text;
    const resolved = key === null || key === undefined ? ({ tag: "null", value: null } as const) : resolveScalar(text);
    switch (resolved.tag) {
      case "int":
        return resolved.value.toString();
      case "float":
        return float32Key(resolved.value);
      case "bool":
        return resolved.value ? "true" : "false";
      case "null":
        throw new YamlError(`Unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(value)}`);
    }
    return String(resolved.value);
  }

  #isMergeKey(key: unknown): boolean {
    if (!isScalar(key)) return false;
    const tag = (key as { tag?: string }).tag;
    if (tag === `${TAG}merge`) return true;
    return !tag && key.type === "PLAIN" && key.value === "<<";
  }

  #mapping(items: unknown[]): GoMap {
    const out: GoMap = {};
    for (const pair of items) {
      if (!isPair(pair)) continue;
      if (this.#isMergeKey(pair.key)) {
        this.#merge(pair.value, out);
        continue;
      }
      const value = this.convert(pair.value);
      setKey(out, this.#keyString(pair.key, value), value);
    }
    return out;
  }

  /** yaml.v2's merge: a mapping, or a sequence of them (earlier ones win). */
  #merge(node: unknown, out: GoMap): void {
    const target = isAlias(node) ? this.#resolve(node) : node;
    if (isMap(target)) {
      for (const [key, value] of Object.entries(this.convert(target) as GoMap)) setKey(out, key, value);
      return;
    }
    if (isSeq(target)) {
      for (const item of [...target.items].reverse()) {
        const resolved = isAlias(item) ? this.#resolve(item) : item;
        if (!isMap(resolved)) throw new YamlError("yaml: map merge requires map or sequence of maps as the value");
        this.#merge(resolved, out);
      }
      return;
    }
    throw new YamlError("yaml: map merge requires map or sequence of maps as the value");
  }
}

/** fmt's %+#v for the scalar values yaml.v2 produces. */
function goSyntax(value: GoValue): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : formatFloat(value);
  if (typeof value === "boolean") return String(value);
  return "map[interface {}]interface {}{...}";
}

function setKey(map: GoMap, key: string, value: GoValue): void {
  if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

function checkJsonable(value: GoValue): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new YamlError(`json: unsupported value: ${formatFloat(value)}`);
  }
  if (Array.isArray(value)) value.forEach(checkJsonable);
  else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => checkJsonable(v as GoValue));
}

/**
 * YAML text → the JSON-shaped value sigs.k8s.io/yaml hands to json.Unmarshal. Throws YamlError
 * with Helm's message ("error converting YAML to JSON: yaml: line 1: …").
 */
export function parseYaml(text: string): GoValue {
  const docs = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: false, strict: false, merge: false } as never);
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (!doc) return null;
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line ?? 1;
    throw new YamlError(`error converting YAML to JSON: ${libyamlError(text, error.code, error.message, line)}`);
  }
  try {
    const value = new Converter(doc, text).convert(doc.contents);
    checkJsonable(value);
    return value;
  } catch (error) {
    if (error instanceof YamlError) throw new YamlError(`error converting YAML to JSON: ${error.message}`);
    throw error;
  }
}

/** The json.Unmarshal error for decoding `value` into a Go value of type `target`. */
export function unmarshalTypeError(value: GoValue, target: string): string {
  const kind = Array.isArray(value) ? "array" : typeof value === "string" ? "string" : typeof value === "number" ? "number" : typeof value === "boolean" ? "bool" : "object";
  return `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`;
}
