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

/** What Helm's include and tpl need from the engine that runs them. */
export interface TemplateRuntime {
  /** Execute a named template of the current set with `data` as dot. */
  include(name: string, data: GoValue): string;
  /** Parse `text` as a new template in the current set (sharing its defines) and execute it. */
  tpl(text: string, data: GoValue): string;
}
