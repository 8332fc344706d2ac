import type { GoValue } from "./go-value.ts";

/**
 * The Go parameter types template functions declare, so the engine can check and convert arguments
 * the way Go's reflect-based call does (wrong count → "wrong number of args for NAME: want N got
 * M"; a value that is not assignable → "wrong type for value; expected string; got float64"; an
 * untyped number constant converts to the parameter's numeric type).
 *
 * - "any": interface{} — anything, passed as is
 * - "string", "bool", "int" (int/int64 → bigint), "float64" (→ number), "uint32" etc. are not needed
 * - "slice": []interface{}; "map": map[string]interface{}; "strings": []string
 * - "bytes": []byte
 *
 * What a function receives (as Go's reflect call would pass it):
 * - "any": the value; a missing value or nil arrives as `null` (never `undefined`)
 * - "string"/"bool"/"int"/"float64": exactly that JS type; a missing value or a value of another
 *   type fails before the call ("invalid value; expected string", "wrong type for value; expected
 *   int; got float64"); number literals are converted ("int" wants an integral literal)
 * - "slice": an untyped array (`[]interface {}`); "strings": an array marked
 *   `withGoType(a, "[]string")`; "map": an unmarked plain object; "bytes": a `Uint8Array`;
 *   for these four a missing value or the `nil` literal arrives as `null`
 *
 * What it returns: any GoValue; `null` is a nil interface (prints `<no value>` at the end of a
 * pipeline); mark narrower slices and maps with `withGoType`.
 */
export type GoParamType = "any" | "string" | "bool" | "int" | "float64" | "slice" | "map" | "strings" | "bytes";

/** A function callable from templates. `fn` throws an Error to fail the template (Go's error return). */
export interface TemplateFunction {
  readonly params: readonly GoParamType[];
  /** Type of the trailing variadic parameter (`...interface{}` is "any"). */
  readonly variadic?: GoParamType;
  readonly fn: (...args: GoValue[]) => GoValue;
}

export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

/**
 * What Helm's include and tpl need from the engine that runs them (`TemplateSet#runtime()`).
 * Both act on the set that is executing at the time of the call (inside `tpl`, that is the copy
 * `tpl` made, so its defines are visible to `include`), else on the set that made the runtime.
 * Errors are thrown as `TemplateError` with Go's text; the function wraps them as Helm does.
 */
export interface TemplateRuntime {
  /** Execute a named template of the current set with `data` as dot. */
  include(name: string, data: GoValue): string;
  /**
   * Parse `text` in a copy of the current set (sharing its defines, its own defines added only
   * to the copy) under the set's name, and execute it with the set's options (missingkey;
   * with `helmNoValue`, "<no value>" removed from the result).
   */
  tpl(text: string, data: GoValue): string;
}
