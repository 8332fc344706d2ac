import type { GoMap, GoValue } from "../template/go-value.ts";
import { isTable, newMap } from "./coalesce-values.ts";

/** How `--set`-style values are typed: `--set`, `--set-string` or `--set-json`. */
export type SetValuesMode = "typed" | "string" | "json";

/** Helm's limits (strvals.MaxIndex, MaxNestedNameLevel). */
const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

/** A `--set` line lade cannot parse; the message says where, like Helm's strvals errors. */
export class SetValuesError extends SyntaxError {
  override name = "SetValuesError";
}

/**
 * Parse one `--set` argument with Helm's strvals syntax into `into` (which it modifies and
 * returns), exactly like `strvals.ParseInto` / `ParseIntoString` / `ParseJSON`:
 *
 * - `a.b=c,d=e` sets nested keys; `a[0].b=c` and `a[1][0]=x` index lists (gaps are null);
 * - `a={x,y}` is a list; `\` escapes the next character (`a\.b=c` sets the key "a.b", `x=1\,2`);
 * - mode "typed" (`--set`): `true`/`false` (any case) are booleans, `null` is null, `0` and
 *   decimal integers not starting with 0 are int64 (bigint), anything else a string;
 * - mode "string" (`--set-string`): every value is a string;
 * - mode "json" (`--set-json`): each value is JSON (numbers are float64), an empty value is null.
 *
 * Existing maps and lists in `into` (from earlier `-f` files and `--set`s) are extended, as in Helm.
 *
 * @throws {SetValuesError} on a key without value, an unterminated list, a bad index, or an
 *   existing value of the wrong kind (Helm's "unable to parse key" panic)
 */
export function parseSetValues(text: string, into: GoMap = newMap(), options: { mode?: SetValuesMode } = {}): GoMap {
  const parser = new StrvalsParser(text, options.mode ?? "typed");
  for (;;) {
    const result = parser.key(into, 0);
    if (result === EOF) return into;
  }
}

const EOF = Symbol("EOF");
const NOT_LIST = Symbol("not a list");

class StrvalsParser {
  readonly #runes: string[];
  #position = 0;

  constructor(
    readonly text: string,
    readonly mode: SetValuesMode,
  ) {
    this.#runes = Array.from(text);
  }

  fail(message: string): never {
    throw new SetValuesError(message);
  }

  #read(): string | undefined {
    return this.#runes[this.#position++];
  }

  #unread(): void {
    this.#position--;
  }

  /** Characters up to one of `stop`, with `\x` read as `x`; `last` is undefined at the end. */
  #until(stop: string): { text: string; last: string | undefined } {
    let text = "";
    for (;;) {
      const char = this.#read();
      if (char === undefined) {
        this.#position = this.#runes.length;
        return { text, last: undefined };
      }
      if (stop.includes(char)) return { text, last: char };
      if (char === "\\") {
        const next = this.#read();
        if (next === undefined) {
          this.#position = this.#runes.length;
          return { text, last: undefined };
        }
        text += next;
      } else {
        text += char;
      }
    }
  }

  /**
   * One `key=value` (or `key.sub…`, `key[i]…`). Returns EOF exactly where Helm's parser returns
   * io.EOF (nothing left, or nothing after "="), which ends the parse without an error.
   */
  key(data: GoMap, nestedLevel: number): typeof EOF | undefined {
    const { text: key, last } = this.#until("=[,.");
    if (last === undefined) {
      if (key.length === 0) return EOF;
      return this.fail(`key "${key}" has no value`);
    }
    switch (last) {
      case "[": {
        const index = this.#index();
        let list: GoValue[] = [];
        if (Object.hasOwn(data, key)) list = expectList(data[key], key, this);
        const result = this.#listItem(list, index, nestedLevel);
        set(data, key, result.list);
        return result.eof ? EOF : undefined;
      }
      case "=": {
        if (this.mode === "json") {
          if (this.#emptyValue()) set(data, key, null);
          else {
            set(data, key, this.#jsonValue());
            this.#emptyValue();
          }
          return undefined;
        }
        const list = this.#valueList();
        if (list === EOF) {
          set(data, key, "");
          return EOF;
        }
        set(data, key, list === NOT_LIST ? this.#typed(this.#value()) : list);
        return undefined;
      }
      case ",":
        set(data, key, "");
        return this.fail(`key "${key}" has no value (cannot end with ,)`);
      default: {
        // "."
        nestedLevel++;
        if (nestedLevel > MAX_NESTED_NAME_LEVEL) {
          this.fail(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
        }
        let inner = newMap();
        if (Object.hasOwn(data, key)) inner = expectMap(data[key], key, this);
        const result = this.key(inner, nestedLevel);
        if (result !== EOF && Object.keys(inner).length === 0) this.fail(`key map "${key}" has no value`);
        if (Object.keys(inner).length !== 0) set(data, key, inner);
        return result;
      }
    }
  }

  #index(): number {
    const { text, last } = this.#until("]");
    if (last === undefined) this.fail("error parsing index: EOF");
    if (!/^[+-]?\d+$/.test(text)) this.fail(`error parsing index: strconv.Atoi: parsing "${text}": invalid syntax`);
    return Number(text);
  }

  /** What follows `[i]`; `eof` (Helm's io.EOF) leaves the list as it was. */
  #listItem(list: GoValue[], index: number, nestedLevel: number): { list: GoValue[]; eof: boolean } {
    if (index < 0) this.fail(`negative ${index} index not allowed`);
    const { text, last } = this.#until("[.=");
    if (text.length > 0) this.fail(`unexpected data at end of array index: "${text}"`);
    if (last === undefined) return { list, eof: true };
    switch (last) {
      case "=": {
        if (this.mode === "json") {
          if (this.#emptyValue()) return { list: setIndex(list, index, null, this), eof: false };
          const result = setIndex(list, index, this.#jsonValue(), this);
          this.#emptyValue();
          return { list: result, eof: false };
        }
        const values = this.#valueList();
        if (values === EOF) return { list: setIndex(list, index, "", this), eof: false };
        const value = values === NOT_LIST ? this.#typed(this.#value()) : values;
        return { list: setIndex(list, index, value, this), eof: false };
      }
      case "[": {
        const next = this.#index();
        let current: GoValue[] = [];
        if (list.length > index && list[index] !== null && list[index] !== undefined) current = expectList(list[index], String(index), this);
        const inner = this.#listItem(current, next, nestedLevel);
        if (inner.eof) return { list, eof: true };
        return { list: setIndex(list, index, inner.list, this), eof: false };
      }
      default: {
        // "."
        let inner = newMap();
        if (list.length > index) {
          if (isTable(list[index])) inner = list[index] as GoMap;
          else list[index] = inner;
        }
        if (this.key(inner, nestedLevel) === EOF) return { list, eof: true };
        return { list: setIndex(list, index, inner, this), eof: false };
      }
    }
  }

  /** `{a,b}` after "=", NOT_LIST when the value does not start with "{", EOF when nothing follows. */
  #valueList(): GoValue[] | typeof EOF | typeof NOT_LIST {
    const first = this.#read();
    if (first === undefined) {
      this.#position = this.#runes.length;
      return EOF;
    }
    if (first !== "{") {
      this.#unread();
      return NOT_LIST;
    }
    const list: GoValue[] = [];
    for (;;) {
      const { text, last } = this.#until(",}");
      if (last === undefined) this.fail("list must terminate with '}'");
      if (last === "}") {
        const next = this.#read();
        if (next !== undefined && next !== ",") this.#unread();
        if (next === undefined) this.#position = this.#runes.length;
        list.push(this.#typed(text));
        return list;
      }
      list.push(this.#typed(text));
    }
  }

  #value(): string {
    return this.#until(",").text;
  }

  #typed(text: string): GoValue {
    return this.mode === "string" ? text : typedValue(text);
  }

  /** Skips blanks and one comma; true when the value is empty (a comma or the end came first). */
  #emptyValue(): boolean {
    for (;;) {
      const char = this.#read();
      if (char === undefined) {
        this.#position = this.#runes.length;
        return true;
      }
      if (char === ",") return true;
      if (!/\s/u.test(char)) {
        this.#unread();
        return false;
      }
    }
  }

  /** One JSON value from the current position, like Go's json.Decoder.Decode. */
  #jsonValue(): GoValue {
    const rest = this.#runes.slice(this.#position).join("");
    const end = jsonValueEnd(rest);
    if (end === undefined) this.fail(`invalid JSON value: ${rest}`);
    let value: unknown;
    try {
      value = JSON.parse(rest.slice(0, end));
    } catch (error) {
      this.fail(`invalid JSON value: ${(error as Error).message}`);
    }
    this.#position += Array.from(rest.slice(0, end)).length;
    return fromJson(value);
  }
}

/** Helm's typedVal for `--set`. */
function typedValue(text: string): GoValue {
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (text === "0") return 0n;
  if (text.length > 0 && text[0] !== "0" && /^[+-]?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= -(2n ** 63n) && value < 2n ** 63n) return value;
  }
  return text;
}

function set(data: GoMap, key: string, value: GoValue): void {
  if (key.length === 0) return;
  data[key] = value;
}

function setIndex(list: GoValue[], index: number, value: GoValue, parser: StrvalsParser): GoValue[] {
  if (index < 0) parser.fail(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) parser.fail(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  const result = list.length <= index ? [...list, ...new Array<GoValue>(index + 1 - list.length).fill(null)] : list;
  result[index] = value;
  return result;
}

function expectList(value: GoValue, key: string, parser: StrvalsParser): GoValue[] {
  if (Array.isArray(value)) return value as GoValue[];
  return parser.fail(`unable to parse key: "${key}" is ${goKind(value)}, not a list`);
}

function expectMap(value: GoValue, key: string, parser: StrvalsParser): GoMap {
  if (isTable(value)) return value;
  return parser.fail(`unable to parse key: "${key}" is ${goKind(value)}, not a map`);
}

function goKind(value: GoValue): string {
  if (value === null || value === undefined) return "nil";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "bigint":
      return "int64";
    case "number":
      return "float64";
    case "boolean":
      return "bool";
    case "string":
      return "string";
    default:
      return "a value";
  }
}

/** Where the first JSON value of `text` (after blanks) ends, or undefined if it is cut short. */
function jsonValueEnd(text: string): number | undefined {
  let index = 0;
  while (index < text.length && /\s/.test(text[index]!)) index++;
  const first = text[index];
  if (first === undefined) return undefined;
  if (first === "{" || first === "[") {
    let depth = 0;
    for (; index < text.length; index++) {
      const char = text[index]!;
      if (char === '"') {
        index = skipString(text, index);
        if (index < 0) return undefined;
      } else if (char === "{" || char === "[") depth++;
      else if (char === "}" || char === "]") {
        depth--;
        if (depth === 0) return index + 1;
      }
    }
    return undefined;
  }
  if (first === '"') {
    const end = skipString(text, index);
    return end < 0 ? undefined : end + 1;
  }
  const match = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(index));
  return match ? index + match[0].length : undefined;
}

/** Index of the closing quote of the string starting at `start`, or -1. */
function skipString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === "\\") index++;
    else if (text[index] === '"') return index;
  }
  return -1;
}

function fromJson(value: unknown): GoValue {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === "object") {
    const map = newMap();
    for (const [key, item] of Object.entries(value)) map[key] = fromJson(item);
    return map;
  }
  return value as GoValue;
}
