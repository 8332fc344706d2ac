import { goEqual, goLess, goLessOrEqual } from "./compare-values.ts";
import type { EngineFunction } from "./engine-function.ts";
import { htmlEscaper, jsEscaper, urlQueryEscaper } from "./escape-functions.ts";
import { goSprint, goSprintf, goSprintln } from "./go-sprint.ts";
import { goTypeOf, isTruthy, kindOf, underlyingValue, withGoType, type GoMap, type GoValue } from "./go-value.ts";
import { boxElement, elementTypeOf, unbox, zeroValueOf, type EngineValue } from "./interface-value.ts";
import { utf8Decode, utf8Encode, utf8Length } from "./utf8-bytes.ts";

/** Go's indirectInterface: the concrete value, nil interface → missing. */
function concrete(value: EngineValue): GoValue {
  const inner = unbox(value);
  return inner === null ? undefined : inner;
}

/** The concrete value, a named map or slice type as its map or slice. */
function collection(value: EngineValue): GoValue {
  return underlyingValue(concrete(value));
}

function truth(value: EngineValue): boolean {
  return isTruthy(concrete(value));
}

/**
 * text/template's builtin functions with Go's signatures and messages. `and` and `or` are
 * special-cased by the engine (they short-circuit); the entries here give their arity.
 */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, EngineFunction> = new Map<string, EngineFunction>([
  ["and", { params: ["value"], variadic: "value", call: () => undefined }],
  ["or", { params: ["value"], variadic: "value", call: () => undefined }],
  ["not", { params: ["value"], call: ([value]) => !truth(value) }],
  ["len", { params: ["value"], call: ([value]) => length(value) }],
  ["index", { params: ["value"], variadic: "value", call: ([item, ...indexes]) => index(item, indexes) }],
  ["slice", { params: ["value"], variadic: "value", call: ([item, ...indexes]) => slice(item, indexes) }],
  ["call", { params: ["value"], variadic: "value", call: ([fn, ...args]) => call(fn, args) }],
  ["print", { params: [], variadic: "any", call: (args) => goSprint(...(args as GoValue[])) }],
  ["printf", { params: ["string"], variadic: "any", call: ([format, ...args]) => goSprintf(format as string, ...(args as GoValue[])) }],
  ["println", { params: [], variadic: "any", call: (args) => goSprintln(...(args as GoValue[])) }],
  ["html", { params: [], variadic: "any", call: (args) => htmlEscaper(...(args as GoValue[])) }],
  ["js", { params: [], variadic: "any", call: (args) => jsEscaper(...(args as GoValue[])) }],
  ["urlquery", { params: [], variadic: "any", call: (args) => urlQueryEscaper(...(args as GoValue[])) }],
  ["eq", { params: ["value"], variadic: "value", call: ([first, ...others]) => goEqual(concrete(first), ...others.map(concrete)) }],
  ["ne", { params: ["value", "value"], call: ([a, b]) => !goEqual(concrete(a), concrete(b)) }],
  ["lt", { params: ["value", "value"], call: ([a, b]) => goLess(concrete(a), concrete(b)) }],
  ["le", { params: ["value", "value"], call: ([a, b]) => goLessOrEqual(concrete(a), concrete(b)) }],
  ["gt", { params: ["value", "value"], call: ([a, b]) => !goLessOrEqual(concrete(a), concrete(b)) }],
  ["ge", { params: ["value", "value"], call: ([a, b]) => !goLess(concrete(a), concrete(b)) }],
]);

function length(value: EngineValue): bigint {
  const item = underlyingValue(unbox(value) as GoValue);
  if (item === null) throw new Error("len of nil pointer");
  switch (kindOf(item)) {
    case "string":
      return BigInt(utf8Length(item as string));
    case "slice":
      return BigInt((item as readonly GoValue[]).length);
    case "bytes":
      return BigInt((item as Uint8Array).length);
    case "map":
      return BigInt(Object.values(item as GoMap).filter((entry) => entry !== undefined).length);
    case "nil":
      throw new Error("reflect: call of reflect.Value.Type on zero Value");
    default:
      throw new Error(`len of type ${goTypeOf(item)}`);
  }
}

/** Go's indexArg: an int index within [0, cap]. */
function indexArg(value: EngineValue, cap: number): number {
  const index = concrete(value);
  if (index === undefined) throw new Error("cannot index slice/array with nil");
  if (typeof index !== "bigint") throw new Error(`cannot index slice/array with type ${goTypeOf(index)}`);
  if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(itemValue: EngineValue, indexes: EngineValue[]): EngineValue {
  let item: EngineValue = concrete(itemValue);
  if (item === undefined) throw new Error("index of untyped nil");
  for (const indexValue of indexes) {
    const current = underlyingValue(unbox(item));
    if (current === null || current === undefined) throw new Error("index of nil pointer");
    switch (kindOf(current)) {
      case "slice": {
        const list = current as readonly GoValue[];
        const x = indexArg(indexValue, list.length);
        if (x === list.length) throw new Error("reflect: slice index out of range");
        item = boxElement(list[x], elementTypeOf(goTypeOf(current)));
        break;
      }
      case "bytes": {
        const bytes = current as Uint8Array;
        const x = indexArg(indexValue, bytes.length);
        if (x === bytes.length) throw new Error("reflect: slice index out of range");
        item = BigInt(bytes[x]!);
        break;
      }
      case "string": {
        const bytes = utf8Encode(current as string);
        const x = indexArg(indexValue, bytes.length);
        if (x === bytes.length) throw new Error("reflect: string index out of range");
        item = BigInt(bytes[x]!);
        break;
      }
      case "map": {
        const key = concrete(indexValue);
        if (key === undefined) throw new Error("value is nil; should be of type string");
        if (typeof key !== "string") throw new Error(`value has type ${goTypeOf(key)}; should be string`);
        const map = current as GoMap;
        const elemType = elementTypeOf(goTypeOf(current));
        const found = Object.hasOwn(map, key) ? map[key] : undefined;
        item = found === undefined ? zeroValueOf(elemType) : boxElement(found, elemType);
        break;
      }
      default:
        throw new Error(`can't index item of type ${goTypeOf(current)}`);
    }
  }
  return item;
}

function slice(itemValue: EngineValue, indexes: EngineValue[]): EngineValue {
  const item = collection(itemValue);
  if (item === undefined) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let bytes: Uint8Array | undefined;
  let length: number;
  switch (kindOf(item)) {
    case "string":
      if (indexes.length === 3) throw new Error("cannot 3-index slice a string");
      bytes = utf8Encode(item as string);
      length = bytes.length;
      break;
    case "slice":
      length = (item as readonly GoValue[]).length;
      break;
    case "bytes":
      length = (item as Uint8Array).length;
      break;
    default:
      throw new Error(`can't slice item of type ${goTypeOf(item)}`);
  }
  const idx = [0, length, length];
  indexes.forEach((indexValue, i) => {
    idx[i] = indexArg(indexValue, length);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return utf8Decode(bytes.subarray(idx[0], idx[1]));
  if (item instanceof Uint8Array) return item.slice(idx[0], idx[1]);
  const list = item as readonly GoValue[];
  const result = list.slice(idx[0], idx[1]);
  const typeName = goTypeOf(list);
  return typeName === "[]interface {}" ? result : withGoType(result, typeName);
}

function call(fnValue: EngineValue, args: EngineValue[]): EngineValue {
  const fn = concrete(fnValue);
  if (fn === undefined) throw new Error("call of nil");
  if (typeof fn !== "function") throw new Error(`non-function of type ${goTypeOf(fn)}`);
  return fn(...args.map((arg) => concrete(arg) ?? null)) ?? null;
}
