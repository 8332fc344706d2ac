import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar } from "yaml";
import type { GoMap, GoValue } from "../template/go-value.ts";
import { ValuesError } from "./values-error.ts";

/**
 * A scalar as Go's yaml.v2 resolves it before sigs.k8s.io/yaml turns it into JSON. Ints stay
 * apart from floats so that a struct field of type string can format them like Go does.
 */
export type YamlScalar =
  | { readonly tag: "null"; readonly value: null }
  | { readonly tag: "bool"; readonly value: boolean }
  | { readonly tag: "int"; readonly value: bigint }
  | { readonly tag: "float"; readonly value: number }
  | { readonly tag: "str"; readonly value: string };

/** A decoded tree whose scalars still carry their YAML type (for typed targets such as Chart.yaml). */
export type YamlTree = YamlScalar | readonly YamlTree[] | { readonly [key: string]: YamlTree };

const MAX_NODES = 10_000_000;

/**
 * Decode YAML the way Helm does (`sigs.k8s.io/yaml.Unmarshal` into `interface{}`): YAML 1.1
 * scalars (yes/no/on/off are booleans, 0755 is octal, 1_000 is an int), `<<` merge keys, only the
 * first document, map keys made strings, timestamps left as their text, and every number a
 * float64 (a JavaScript number), as JSON decoding leaves it. Maps have a null prototype.
 *
 * @throws {ValuesError} when the text is not YAML, with `file:line:column`
 */
export function parseGoYaml(text: string, file = "<yaml>"): GoValue {
  const tree = parseYamlTree(text, file);
  return tree === undefined ? null : toGoValue(tree, file);
}

/** Like {@link parseGoYaml} but keeps ints apart from floats; undefined for an empty document. */
export function parseYamlTree(text: string, file = "<yaml>"): YamlTree | undefined {
  const documents = parseAllDocuments(text, { schema: "failsafe", merge: false, uniqueKeys: false, version: "1.1" });
  const document = (Array.isArray(documents) ? documents[0] : undefined) as Document.Parsed | undefined;
  if (!document) return undefined;
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    throw new ValuesError(
      { file, line: position.line, column: position.col },
      `Cannot parse YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
    );
  }
  if (document.contents === null) return { tag: "null", value: null };
  const converter = new TreeConverter(document, text, file);
  return converter.convert(document.contents as Node);
}

class TreeConverter {
  #count = 0;
  readonly #active = new Set<Node>();

  constructor(
    readonly document: Document.Parsed,
    readonly source: string,
    readonly file: string,
  ) {}

  convert(node: Node | null | undefined): YamlTree {
    if (++this.#count > MAX_NODES) this.fail(node, "the document contains excessive aliasing");
    if (node === null || node === undefined) return { tag: "null", value: null };
    if (isAlias(node)) {
      const target = node.resolve(this.document) as Node | undefined;
      if (!target) this.fail(node, `unknown anchor "${node.source}" referenced`);
      if (this.#active.has(target)) this.fail(node, `anchor "${node.source}" value contains itself`);
      this.#active.add(target);
      try {
        return this.convert(target);
      } finally {
        this.#active.delete(target);
      }
    }
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      this.#active.add(node);
      try {
        return node.items.map((item) => this.convert(item as Node));
      } finally {
        this.#active.delete(node);
      }
    }
    if (isMap(node)) {
      const result: Record<string, YamlTree> = Object.create(null);
      this.#active.add(node);
      try {
        for (const pair of node.items) {
          const key = pair.key as Node | null;
          if (isScalar(key) && key.type === "PLAIN" && key.value === "<<" && (!key.tag || key.tag === "tag:yaml.org,2002:merge")) {
            this.merge(pair.value as Node, result);
            continue;
          }
          result[this.key(key)] = this.convert(pair.value as Node);
        }
      } finally {
        this.#active.delete(node);
      }
      return result;
    }
    return this.fail(node, "unsupported YAML node");
  }

  /** yaml.v2's merge: each merged map's keys are set in order, later explicit keys override. */
  merge(node: Node | null, into: Record<string, YamlTree>): void {
    const sources = isSeq(node) ? [...node.items].reverse() : [node];
    for (const source of sources) {
      const value = this.convert(source as Node);
      if (!isTreeMap(value)) this.fail(node, "map merge requires map or sequence of maps as the value");
      Object.assign(into, value);
    }
  }

  key(node: Node | null): string {
    const value = node === null ? ({ tag: "null", value: null } as YamlScalar) : this.convert(node);
    if (Array.isArray(value) || isTreeMap(value)) return this.fail(node, "invalid map key: a map or sequence");
    const scalar = value as YamlScalar;
    switch (scalar.tag) {
      case "str":
        return scalar.value;
      case "int":
        return scalar.value.toString();
      case "float":
        return formatGoFloat(scalar.value, 32);
      case "bool":
        return String(scalar.value);
      default:
        return this.fail(node, `unsupported map key of type ${scalar.tag}`);
    }
  }

  scalar(node: Scalar): YamlScalar {
    const text = String(node.value ?? "");
    const tag = node.tag;
    if (node.type !== "PLAIN" && node.type !== undefined && !tag) return { tag: "str", value: text };
    if (!tag) return resolvePlainScalar(text);
    switch (tag) {
      case "tag:yaml.org,2002:str":
        return { tag: "str", value: text };
      case "tag:yaml.org,2002:binary":
        return { tag: "str", value: new TextDecoder().decode(Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0))) };
      case "tag:yaml.org,2002:null":
      case "tag:yaml.org,2002:bool":
      case "tag:yaml.org,2002:int":
      case "tag:yaml.org,2002:float": {
        const resolved = resolvePlainScalar(text);
        const want = tag.slice("tag:yaml.org,2002:".length);
        if (resolved.tag === want) return resolved;
        if (want === "float" && resolved.tag === "int") return { tag: "float", value: Number(resolved.value) };
        return this.fail(node, `cannot decode !!${resolved.tag} \`${text}\` as a !!${want}`);
      }
      default:
        return { tag: "str", value: text };
    }
  }

  fail(node: Node | null | undefined, message: string): never {
    const { line, column } = positionOf(this.source, node?.range?.[0] ?? 0);
    throw new ValuesError({ file: this.file, line, column }, `Cannot parse YAML: ${message}`);
  }
}

function positionOf(source: string | undefined, offset: number): { line: number; column: number } {
  if (!source) return { line: 1, column: 1 };
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Decoded maps have a null prototype; scalars are ordinary objects. */
function isTreeMap(value: YamlTree): value is { readonly [key: string]: YamlTree } {
  return !Array.isArray(value) && Object.getPrototypeOf(value) === null;
}

const BOOLEANS: Record<string, boolean> = {
  y: true, Y: true, yes: true, Yes: true, YES: true, true: true, True: true, TRUE: true, on: true, On: true, ON: true,
  n: false, N: false, no: false, No: false, NO: false, false: false, False: false, FALSE: false, off: false, Off: false, OFF: false,
};
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const FLOATS: Record<string, number> = {
  ".nan": Number.NaN, ".NaN": Number.NaN, ".NAN": Number.NaN,
  ".inf": Number.POSITIVE_INFINITY, ".Inf": Number.POSITIVE_INFINITY, ".INF": Number.POSITIVE_INFINITY,
  "+.inf": Number.POSITIVE_INFINITY, "+.Inf": Number.POSITIVE_INFINITY, "+.INF": Number.POSITIVE_INFINITY,
  "-.inf": Number.NEGATIVE_INFINITY, "-.Inf": Number.NEGATIVE_INFINITY, "-.INF": Number.NEGATIVE_INFINITY,
};
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** yaml.v2's resolve() for an untagged plain scalar. */
export function resolvePlainScalar(text: string): YamlScalar {
  const first = text[0];
  const hint = first === undefined ? "M" : /[yYnNtTfFoO~]/.test(first) ? "M" : first === "." ? "." : /[0-9]/.test(first) ? "D" : first === "+" || first === "-" ? "S" : "";
  if (hint === "") return { tag: "str", value: text };
  if (NULLS.has(text)) return { tag: "null", value: null };
  if (Object.hasOwn(BOOLEANS, text)) return { tag: "bool", value: BOOLEANS[text]! };
  if (Object.hasOwn(FLOATS, text)) return { tag: "float", value: FLOATS[text]! };
  if (hint === ".") {
    const float = parseGoFloat(text);
    if (float !== undefined) return { tag: "float", value: float };
  } else if (hint === "D" || hint === "S") {
    // A timestamp (2001-12-14) stays the text itself: yaml.v2 keeps it a string for interface{}.
    const plain = text.replaceAll("_", "");
    const int = parseGoInt(plain);
    if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) return { tag: "int", value: int };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const float = parseGoFloat(plain);
      if (float !== undefined) return { tag: "float", value: float };
    }
  }
  return { tag: "str", value: text };
}

/** strconv.ParseInt(s, 0, 64) (and ParseUint): sign, 0x/0o/0b prefixes, a leading 0 is octal. */
function parseGoInt(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match;
  let value: bigint;
  const prefix = digits!.slice(0, 2).toLowerCase();
  if (prefix === "0x" || prefix === "0b") value = BigInt(digits!.toLowerCase());
  else if (prefix === "0o") value = BigInt(`0o${digits!.slice(2)}`);
  else if (digits!.length > 1 && digits![0] === "0") value = BigInt(`0o${digits!.slice(1)}`);
  else value = BigInt(digits!);
  if (sign === "-") {
    value = -value;
    return value >= INT64_MIN ? value : undefined;
  }
  return value <= INT64_MAX || (sign === "" && value <= UINT64_MAX) ? value : undefined;
}

/** strconv.ParseFloat for decimal text; out of range (1e999) is an error there, so undefined here. */
function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The tree as templates see values: JSON-decoded, so every number a float64. */
export function toGoValue(tree: YamlTree, file: string): GoValue {
  if (Array.isArray(tree)) return tree.map((item) => toGoValue(item, file));
  if (Object.getPrototypeOf(tree) === null) {
    const result: GoMap = Object.create(null);
    for (const [key, value] of Object.entries(tree)) result[key] = toGoValue(value as YamlTree, file);
    return result;
  }
  const scalar = tree as YamlScalar;
  switch (scalar.tag) {
    case "int":
      return Number(scalar.value);
    case "float":
      if (!Number.isFinite(scalar.value)) {
        throw new ValuesError({ file, line: 1, column: 1 }, `Cannot convert YAML to JSON: json: unsupported value: ${formatGoFloat(scalar.value, 64)}`);
      }
      return scalar.value;
    default:
      return scalar.value;
  }
}

/**
 * strconv.FormatFloat(value, 'g', -1, bits): the shortest digits that read back as the same
 * float32 or float64, in %e form when the decimal exponent is < -4 or >= 6.
 */
export function formatGoFloat(value: number, bits: 32 | 64): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const target = bits === 32 ? Math.fround(value) : value;
  let exponential = "";
  for (let precision = 1; precision <= 17; precision++) {
    exponential = target.toExponential(precision - 1);
    const back = Number(exponential);
    if ((bits === 32 ? Math.fround(back) : back) === target) break;
  }
  const [mantissa, exponentText] = exponential.split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const exponent = Number(exponentText);
  let text: string;
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.slice(1);
    const absolute = Math.abs(exponent);
    text = `${digits[0]}${fraction ? `.${fraction}` : ""}e${exponent < 0 ? "-" : "+"}${absolute < 10 ? `0${absolute}` : absolute}`;
  } else if (exponent < 0) {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  } else if (digits.length > exponent + 1) {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = `${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  }
  return negative ? `-${text}` : text;
}
