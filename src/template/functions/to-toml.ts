import { GoStruct, type GoMap, type GoValue } from "../go-value.ts";
import { formatFloatFixed } from "./format-value.ts";
import { compareGoStrings } from "./go-string.ts";
import { jsonValue, type JsonMarshaler } from "./go-json.ts";
import { GoTime, formatTime } from "./go-time.ts";
import { isMap } from "./go-type.ts";

/** BurntSushi/toml v1.2 Encoder (Helm's toToml): direct keys first, then tables, 2-space indent. */
export class TomlError extends Error {
  override name = "TomlError";
}

function quote(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `"${out}"`;
}

function keyPart(k: string): string {
  if (k === "") return '""';
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : quote(k);
}

function fieldsOf(value: GoStruct): GoMap {
  const out: GoMap = {};
  for (const [key, field] of Object.entries(value)) {
    if (/^\p{Lu}/u.test(key) && typeof field !== "function") out[key] = field as GoValue;
  }
  return out;
}

function marshaled(value: GoValue): boolean {
  return value instanceof GoStruct && typeof (value as unknown as Partial<JsonMarshaler>)[jsonValue] === "function";
}

function isTable(value: GoValue): boolean {
  if (value === null || value === undefined) return false;
  if (value instanceof GoTime || marshaled(value)) return false;
  if (value instanceof GoStruct || isMap(value)) return true;
  return isTableArray(value);
}

/** isTableArray: all elements are tables; like BurntSushi it types every element, nested arrays included. */
function isTableArray(value: GoValue): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  let all = true;
  for (const item of value) {
    if (item === null || item === undefined) throw new TomlError("toml: cannot encode array with nil element");
    if (Array.isArray(item)) isTableArray(item);
    if (!(isMap(item) || (item instanceof GoStruct && !(item instanceof GoTime) && !marshaled(item)))) all = false;
  }
  return all;
}

class Encoder {
  out = "";
  #written = false;

  #wf(text: string): void {
    this.out += text;
    this.#written = true;
  }

  #newline(): void {
    if (this.#written) this.#wf("\n");
  }

  #indent(key: string[]): string {
    return "  ".repeat(key.length - 1);
  }

  encode(key: string[], value: GoValue): void {
    if (value === null || value === undefined) return;
    if (value instanceof GoTime || marshaled(value)) return this.#keyValue(key, value, false);
    if (Array.isArray(value)) {
      if (isTableArray(value)) return this.#arrayOfTables(key, value);
      return this.#keyValue(key, value, false);
    }
    if (value instanceof GoStruct) return this.#table(key, fieldsOf(value));
    if (isMap(value)) return this.#table(key, value);
    this.#keyValue(key, value, false);
  }

  #keyValue(key: string[], value: GoValue, inline: boolean): void {
    if (key.length === 0) throw new TomlError("toml: top-level values must be Go maps or structs");
    this.#wf(`${this.#indent(key)}${keyPart(key.at(-1)!)} = `);
    this.#element(value);
    if (!inline) this.#newline();
  }

  #element(value: GoValue): void {
    if (value instanceof GoTime) return this.#wf(formatTime(value, "2006-01-02T15:04:05.999999999Z07:00"));
    if (marshaled(value)) return this.#wf(quote(String((value as unknown as JsonMarshaler)[jsonValue]())));
    switch (typeof value) {
      case "string":
        return this.#wf(quote(value));
      case "boolean":
        return this.#wf(String(value));
      case "bigint":
        return this.#wf(value.toString());
      case "number": {
        if (Number.isNaN(value)) return this.#wf("nan");
        if (!Number.isFinite(value)) return this.#wf(value < 0 ? "-inf" : "+inf");
        const text = formatFloatFixed(value);
        return this.#wf(text.includes(".") ? text : `${text}.0`);
      }
    }
    if (value === null || value === undefined) throw new TomlError("toml: cannot encode a nil value");
    if (value instanceof Uint8Array || Array.isArray(value)) {
      const items = value instanceof Uint8Array ? Array.from(value, (b) => BigInt(b)) : value;
      this.#wf("[");
      items.forEach((item, i) => {
        if (item === null || item === undefined) throw new TomlError("toml: cannot encode array with nil element");
        this.#element(item);
        if (i !== items.length - 1) this.#wf(", ");
      });
      return this.#wf("]");
    }
    if (value instanceof GoStruct) return this.#map([], fieldsOf(value), true);
    this.#map([], value as GoMap, true);
  }

  #arrayOfTables(key: string[], items: readonly GoValue[]): void {
    if (key.length === 0) throw new TomlError("toml: top-level values must be Go maps or structs");
    for (const item of items) {
      this.#newline();
      this.#wf(`${this.#indent(key)}[[${key.map(keyPart).join(".")}]]`);
      this.#newline();
      this.#map(key, item instanceof GoStruct ? fieldsOf(item) : (item as GoMap), false);
    }
  }

  #table(key: string[], map: GoMap): void {
    if (key.length === 1) this.#newline();
    if (key.length > 0) {
      this.#wf(`${this.#indent(key)}[${key.map(keyPart).join(".")}]`);
      this.#newline();
    }
    this.#map(key, map, false);
  }

  #map(key: string[], map: GoMap, inline: boolean): void {
    const direct: string[] = [];
    const sub: string[] = [];
    for (const k of Object.keys(map)) (isTable(map[k]) ? sub : direct).push(k);
    const write = (keys: string[], trailComma: boolean) => {
      keys.sort(compareGoStrings);
      keys.forEach((k, i) => {
        const value = map[k];
        if (value === null || value === undefined) return;
        if (inline) {
          this.#keyValue([k], value, true);
          if (trailComma || i !== keys.length - 1) this.#wf(", ");
        } else this.encode([...key, k], value);
      });
    };
    if (inline) this.#wf("{");
    write(direct, sub.length > 0);
    write(sub, false);
    if (inline) this.#wf("}");
  }
}

/** toml.NewEncoder(b).Encode(v); throws TomlError with the encoder's message. */
export function marshalToml(value: GoValue): string {
  // Go's encoder panics outside its own error handling on a nil value.
  if (value === null || value === undefined) throw new Error("reflect: call of reflect.Value.Type on zero Value");
  const encoder = new Encoder();
  encoder.encode([], value);
  return encoder.out;
}
