import type { GoParamType } from "./template-function.ts";

/**
 * How Go values are represented while a template runs. Templates see data the way Helm does:
 * decoded from YAML/JSON into interface{}, so every number from data is a float64.
 *
 * | Go                          | JavaScript                                   |
 * | --------------------------- | -------------------------------------------- |
 * | nil, missing value          | `null` (missing map key: `undefined`)        |
 * | bool                        | `boolean`                                    |
 * | string                      | `string`                                     |
 * | float64                     | `number`                                     |
 * | int, int64 (literals, len, sprig math results, range indexes) | `bigint`   |
 * | []interface{}               | `GoValue[]`                                  |
 * | map[string]interface{}      | a plain object (`Object.getPrototypeOf(x) === Object.prototype` or null) |
 * | []byte                      | `Uint8Array`                                 |
 * | a struct or value with methods (.Files, .Release, semver.Version) | an instance of a class extending `GoStruct` |
 * | func                        | `GoFunction`                                 |
 */
export type GoValue =
  | null
  | undefined
  | boolean
  | string
  | number
  | bigint
  | Uint8Array
  | readonly GoValue[]
  | GoMap
  | GoStruct
  | GoFunction;

export interface GoMap {
  [key: string]: GoValue;
}

/** A function value (what `call` calls); template functions use the same shape. */
export type GoFunction = (...args: GoValue[]) => GoValue;

/**
 * Base of values with fields and methods. Field access `.Name` reads a property; a method is a
 * function-valued property called with the arguments that follow it. `goTypeName` is what Go's
 * error messages call the type (e.g. "chartutil.Files").
 *
 * Only names that start with an upper-case letter are visible to templates, as in Go. A method
 * takes `fn.length` arguments of any type (`wrong number of args for Get: want 1 got 0`), unless
 * `goMethodTypes` declares its parameters, which the engine then checks and converts like a
 * template function's. A field whose value is `undefined` or `null` is a nil interface.
 * `fmt` prints a struct with a `String()` (or `Error()`) method through it, else as `{f1 f2}`.
 */
export abstract class GoStruct {
  abstract readonly goTypeName: string;
  /** Parameter types of methods, by method name (a type-only copy of `TemplateFunction`'s). */
  readonly goMethodTypes?: Readonly<Record<string, GoSignature>>;
  /**
   * For a named map or slice type with methods (Helm's `.Files` is a `map[string][]byte` with
   * Get/Glob/…): the map or slice underneath. Methods still come first; then `.key` reads the
   * map (with missingkey), and range, len, index, slice, truth and printing use it.
   */
  goUnderlying?(): GoMap | readonly GoValue[];
}

/** The value itself, or what a GoStruct with `goUnderlying` stands for. */
export function underlyingValue(value: GoValue): GoValue {
  return value instanceof GoStruct && typeof value.goUnderlying === "function" ? value.goUnderlying() : value;
}

/** Parameter types of a method (same meaning as `TemplateFunction.params` and `variadic`). */
export interface GoSignature {
  readonly params: readonly GoParamType[];
  readonly variadic?: GoParamType;
}

const goTypes = new WeakMap<object, string>();

/**
 * Marks an array or plain object as a Go value of a narrower type than `[]interface {}` or
 * `map[string]interface {}`: `"[]string"` (what sprig's splitList, keys, regexFindAll return),
 * `"map[string]string"` (split, splitn), `"[]int"`, `"[]float64"`, `"[]bool"`,
 * `"map[string]int"` … The engine uses it where Go can tell: `%T`/typeOf, whether the value
 * fits a `"strings"` / `"slice"` / `"map"` parameter, the zero value of a missing key
 * (missingkey=zero on a map[string]string gives ""), and error messages. Returns `value`.
 */
export function withGoType<T extends readonly GoValue[] | GoMap>(value: T, goType: string): T {
  goTypes.set(value, goType);
  return value;
}

/**
 * The Go type of a value as reflect prints it: "float64", "int", "string", "bool", "[]uint8",
 * "[]interface {}", "map[string]interface {}" (or what `withGoType` set), a struct's
 * `goTypeName`, "func(...interface {}) interface {}"; nil has no type: "<nil>".
 */
export function goTypeOf(value: GoValue): string {
  switch (kindOf(value)) {
    case "nil":
      return "<nil>";
    case "bool":
      return "bool";
    case "string":
      return "string";
    case "float64":
      return "float64";
    case "int":
      return "int";
    case "bytes":
      return "[]uint8";
    case "slice":
      return goTypes.get(value as object) ?? "[]interface {}";
    case "map":
      return goTypes.get(value as object) ?? "map[string]interface {}";
    case "struct":
      return (value as GoStruct).goTypeName;
    case "func":
      return "func(...interface {}) interface {}";
  }
}

export type GoKind = "nil" | "bool" | "string" | "float64" | "int" | "bytes" | "slice" | "map" | "struct" | "func";

export function kindOf(value: GoValue): GoKind {
  if (value === null || value === undefined) return "nil";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float64";
    case "bigint":
      return "int";
    case "function":
      return "func";
  }
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "slice";
  if (value instanceof GoStruct) return "struct";
  return "map";
}

export function isGoMap(value: GoValue): value is GoMap {
  return kindOf(value) === "map";
}

/** Go's truth for if/with/and/or/not: the zero value of its type is false. */
export function isTruthy(value: GoValue): boolean {
  switch (kindOf(value)) {
    case "nil":
      return false;
    case "bool":
      return value as boolean;
    case "string":
      return (value as string).length > 0;
    case "float64":
      return (value as number) !== 0;
    case "int":
      return (value as bigint) !== 0n;
    case "bytes":
      return (value as Uint8Array).length > 0;
    case "slice":
      return (value as readonly GoValue[]).length > 0;
    case "map":
      return Object.keys(value as GoMap).length > 0;
    case "struct":
      return value instanceof GoStruct && typeof value.goUnderlying === "function" ? isTruthy(value.goUnderlying()) : true;
    case "func":
      return true;
  }
}

/** Error raised by a template function; the engine adds `template:LINE:COL` and the function name. */
export class TemplateFunctionError extends Error {
  override name = "TemplateFunctionError";
}
