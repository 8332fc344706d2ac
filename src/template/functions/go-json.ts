import { GoStruct, type GoMap, type GoValue } from "../go-value.ts";
import { formatFloat } from "./format-value.ts";
import { compareGoStrings, goQuote } from "./go-string.ts";
import { goTypeOf, isNilCollection } from "./go-type.ts";

/** A GoStruct that encodes itself (Go's json.Marshaler): returns the value to encode instead. */
export const jsonValue = Symbol("jsonValue");

export interface JsonMarshaler {
  [jsonValue](): GoValue;
}

export class JsonError extends Error {
  override name = "JsonError";
}

export interface MarshalOptions {
  /** Escape <, > and & as \u003c… (json.Marshal does, an Encoder with SetEscapeHTML(false) does not). */
  escapeHtml?: boolean;
  /** Indent unit for json.MarshalIndent(v, "", indent). */
  indent?: string;
}

/** encoding/json.Marshal over the value model: sorted map keys, Go's float format, []byte as base64. */
export function marshalJson(value: GoValue, options: MarshalOptions = {}): string {
  const escapeHtml = options.escapeHtml ?? true;
  const indent = options.indent ?? "";
  const encode = (v: GoValue, depth: number): string => {
    if (v === null || v === undefined) return "null";
    switch (typeof v) {
      case "boolean":
        return v ? "true" : "false";
      case "string":
        return quoteJson(v, escapeHtml);
      case "bigint":
        return v.toString();
      case "number":
        return jsonFloat(v);
      case "function":
        throw new JsonError(`json: unsupported type: ${goTypeOf(v)}`);
    }
    if (v instanceof Uint8Array) return `"${Buffer.from(v).toString("base64")}"`;
    if (isNilCollection(v)) return "null";
    const open = (items: string[], start: string, end: string) => {
      if (items.length === 0) return start + end;
      if (!indent) return start + items.join(",") + end;
      const pad = `\n${indent.repeat(depth + 1)}`;
      return `${start}${pad}${items.join(`,${pad}`)}\n${indent.repeat(depth)}${end}`;
    };
    const colon = indent ? ": " : ":";
    if (Array.isArray(v)) return open(v.map((item) => encode(item, depth + 1)), "[", "]");
    if (v instanceof GoStruct) {
      const marshaler = v as unknown as Partial<JsonMarshaler>;
      if (typeof marshaler[jsonValue] === "function") return encode(marshaler[jsonValue](), depth);
      const fields = Object.entries(v).filter(([key, field]) => key !== "goTypeName" && typeof field !== "function");
      return open(
        fields.map(([key, field]) => quoteJson(key, escapeHtml) + colon + encode(field as GoValue, depth + 1)),
        "{",
        "}",
      );
    }
    const map = v as GoMap;
    const keys = Object.keys(map).sort(compareGoStrings);
    return open(
      keys.map((key) => quoteJson(key, escapeHtml) + colon + encode(map[key], depth + 1)),
      "{",
      "}",
    );
  };
  return encode(value, 0);
}

/** A float64 as encoding/json writes it: 'f' format, or 'e' below 1e-6 and from 1e21 on. */
export function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new JsonError(`json: unsupported value: ${formatFloat(x)}`);
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

function quoteJson(text: string, escapeHtml: boolean): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (escapeHtml && (ch === "<" || ch === ">" || ch === "&")) || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return `${out}"`;
}

/** A JSON number kept as its literal text (for the YAML conversion, which types numbers itself). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/**
 * encoding/json.Unmarshal into interface{}: objects → maps, arrays → slices, numbers → float64.
 * Throws JsonError with Go's message ("invalid character 'x' looking for beginning of value",
 * "unexpected end of JSON input").
 */
export function parseJson(text: string): GoValue {
  return new JsonParser(text, false).parseDocument();
}

/** parseJson with numbers left as JsonNumber literals. */
export function parseJsonLiteral(text: string): GoValue | JsonNumber {
  return new JsonParser(text, true).parseDocument();
}

/** The Go kind name json.Unmarshal reports for a value's JSON type ("array", "string"…). */
export function jsonKind(value: GoValue): string {
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "bool";
  }
  return "object";
}

function quoteChar(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return "'\"'";
  const quoted = goQuote(ch);
  return `'${quoted.slice(1, -1)}'`;
}

class JsonParser {
  #text: string;
  #pos = 0;
  #rangeError: string | null = null;
  readonly #literalNumbers: boolean;

  constructor(text: string, literalNumbers: boolean) {
    this.#text = text;
    this.#literalNumbers = literalNumbers;
  }

  parseDocument(): GoValue {
    this.#skipSpace();
    const value = this.#value();
    this.#skipSpace();
    if (this.#pos < this.#text.length) this.#invalid("after top-level value");
    if (this.#rangeError) throw new JsonError(this.#rangeError);
    return value;
  }

  #peek(): string | undefined {
    return this.#text[this.#pos];
  }

  #skipSpace(): void {
    while (this.#pos < this.#text.length && " \t\r\n".includes(this.#text[this.#pos]!)) this.#pos++;
  }

  #invalid(context: string): never {
    if (this.#pos >= this.#text.length) {
      // Go's scanner ends the input with a space: states that reject one report it.
      if (/literal (true|false|null)|numeric|escape/.test(context)) throw new JsonError(`invalid character ' ' ${context}`);
      throw new JsonError("unexpected end of JSON input");
    }
    const ch = String.fromCodePoint(this.#text.codePointAt(this.#pos)!);
    throw new JsonError(`invalid character ${quoteChar(ch)} ${context}`);
  }

  #value(): GoValue {
    const ch = this.#peek();
    switch (ch) {
      case "{":
        return this.#object();
      case "[":
        return this.#array();
      case '"':
        return this.#string();
      case "t":
        return this.#literal("true", true);
      case "f":
        return this.#literal("false", false);
      case "n":
        return this.#literal("null", null);
    }
    if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) return this.#number();
    this.#invalid("looking for beginning of value");
  }

  #literal(word: string, value: GoValue): GoValue {
    for (let i = 0; i < word.length; i++) {
      if (this.#text[this.#pos] !== word[i]) this.#invalid(`in literal ${word} (expecting '${word[i]}')`);
      this.#pos++;
    }
    return value;
  }

  #digits(): number {
    const start = this.#pos;
    while (this.#pos < this.#text.length && this.#text[this.#pos]! >= "0" && this.#text[this.#pos]! <= "9") this.#pos++;
    return this.#pos - start;
  }

  #number(): GoValue {
    const start = this.#pos;
    if (this.#peek() === "-") {
      this.#pos++;
      const ch = this.#peek();
      if (ch === undefined || ch < "0" || ch > "9") this.#invalid("in numeric literal");
    }
    if (this.#peek() === "0") this.#pos++;
    else this.#digits();
    if (this.#peek() === ".") {
      this.#pos++;
      if (this.#digits() === 0) this.#invalid("after decimal point in numeric literal");
    }
    if (this.#peek() === "e" || this.#peek() === "E") {
      this.#pos++;
      if (this.#peek() === "+" || this.#peek() === "-") this.#pos++;
      if (this.#digits() === 0) this.#invalid("in exponent of numeric literal");
    }
    const literal = this.#text.slice(start, this.#pos);
    if (this.#literalNumbers) return new JsonNumber(literal) as unknown as GoValue;
    const value = Number(literal);
    if (!Number.isFinite(value)) {
      this.#rangeError ??= `json: cannot unmarshal number ${literal} into Go value of type float64`;
      return null;
    }
    return value;
  }

  #string(): string {
    this.#pos++;
    let out = "";
    for (;;) {
      if (this.#pos >= this.#text.length) throw new JsonError("unexpected end of JSON input");
      const ch = this.#text[this.#pos]!;
      if (ch === '"') {
        this.#pos++;
        return out;
      }
      if (ch < " ") this.#invalid("in string literal");
      if (ch !== "\\") {
        const code = ch.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdbff && /[\udc00-\udfff]/.test(this.#text[this.#pos + 1] ?? "")) {
          out += ch + this.#text[this.#pos + 1];
          this.#pos += 2;
        } else {
          out += code >= 0xd800 && code <= 0xdfff ? "\ufffd" : ch;
          this.#pos++;
        }
        continue;
      }
      this.#pos++;
      const esc = this.#peek();
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (esc !== undefined && simple[esc] !== undefined) {
        out += simple[esc];
        this.#pos++;
        continue;
      }
      if (esc !== "u") this.#invalid("in string escape code");
      this.#pos++;
      const unit = this.#hex4();
      if (unit >= 0xd800 && unit < 0xdc00 && this.#text.startsWith("\\u", this.#pos)) {
        const save = this.#pos;
        this.#pos += 2;
        const low = this.#hex4();
        if (low >= 0xdc00 && low <= 0xdfff) {
          out += String.fromCharCode(unit, low);
          continue;
        }
        this.#pos = save;
      }
      out += unit >= 0xd800 && unit <= 0xdfff ? "\ufffd" : String.fromCharCode(unit);
    }
  }

  #hex4(): number {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const ch = this.#peek();
      if (ch === undefined || !/[0-9a-fA-F]/.test(ch)) this.#invalid("in \\u hexadecimal character escape");
      n = n * 16 + Number.parseInt(ch, 16);
      this.#pos++;
    }
    return n;
  }

  #array(): GoValue[] {
    this.#pos++;
    const out: GoValue[] = [];
    this.#skipSpace();
    if (this.#peek() === "]") {
      this.#pos++;
      return out;
    }
    for (;;) {
      this.#skipSpace();
      out.push(this.#value());
      this.#skipSpace();
      const ch = this.#peek();
      this.#pos++;
      if (ch === "]") return out;
      if (ch !== ",") {
        this.#pos--;
        this.#invalid("after array element");
      }
    }
  }

  #object(): GoMap {
    this.#pos++;
    const out: GoMap = {};
    this.#skipSpace();
    if (this.#peek() === "}") {
      this.#pos++;
      return out;
    }
    for (;;) {
      this.#skipSpace();
      if (this.#peek() !== '"') this.#invalid("looking for beginning of object key string");
      const key = this.#string();
      this.#skipSpace();
      if (this.#peek() !== ":") this.#invalid("after object key");
      this.#pos++;
      this.#skipSpace();
      out[key] = this.#value();
      this.#skipSpace();
      const ch = this.#peek();
      this.#pos++;
      if (ch === "}") return out;
      if (ch !== ",") {
        this.#pos--;
        this.#invalid("after object key:value pair");
      }
    }
  }
}
