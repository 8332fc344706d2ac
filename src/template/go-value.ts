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
 */
export abstract class GoStruct {
  abstract readonly goTypeName: string;
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
    case "func":
      return true;
  }
}

/** Error raised by a template function; the engine adds `template:LINE:COL` and the function name. */
export class TemplateFunctionError extends Error {
  override name = "TemplateFunctionError";
}
