import type { GoMap, GoValue } from "../go-value.ts";
import type { FunctionMap, TemplateRuntime } from "../template-function.ts";
import { TemplateError } from "../template-error.ts";
import { jsonFunctions } from "./json-functions.ts";
import { define, fail } from "./define.ts";
import { goQuote } from "./go-string.ts";
import { jsonKind, parseJson } from "./go-json.ts";
import { GoLocation, GoTime } from "./go-time.ts";
import { isMap, nilSlice, withGoType } from "./go-type.ts";
import { parseYaml, unmarshalTypeError } from "./parse-yaml.ts";
import { sprigFunctions } from "./sprig-functions.ts";
import { TomlError, marshalToml } from "./to-toml.ts";
import { marshalYaml, marshalYamlPretty } from "./to-yaml.ts";

/**
 * Helm wraps the messages of `required` and `fail` in these markers; Helm's renderer (and
 * lade's chart renderer) cut the error down to "execution error at (file:line:col): message".
 */
export const HELM_ERROR_START = "HELM_ERR_START";
export const HELM_ERROR_END = "HELM_ERR_END";
/** How deep one template may include itself (Helm's recursionMaxNums). */
export const MAX_INCLUDE_DEPTH = 1000;

function warnWrap(message: string): string {
  return HELM_ERROR_START + message + HELM_ERROR_END;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fromJsonWith<T extends GoValue>(text: string, empty: () => T, accept: (v: GoValue) => boolean, target: string): GoValue {
  try {
    const value = parseJson(text);
    // json.Unmarshal of null sets the map or slice to nil.
    if (value === null) return Array.isArray(empty()) ? nilSlice() : withGoType({}, "map[string]interface {}", true);
    if (!accept(value)) return wrapError(empty(), `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${target}`);
    return value;
  } catch (error) {
    return wrapError(empty(), message(error));
  }
}

function wrapError(empty: GoValue, text: string): GoValue {
  if (Array.isArray(empty)) return [text];
  return { Error: text };
}

/** A TOML value from Bun's parser as Go's toml decoder gives it: integral numbers as int64, dates as time.Time. */
function tomlValue(value: unknown): GoValue {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(tomlValue);
  if (value && typeof value === "object") {
    const nanos = (value as { epochNanoseconds?: unknown }).epochNanoseconds;
    if (typeof nanos === "bigint") return GoTime.fromUnixNanos(nanos, GoLocation.UTC);
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return String(value);
    const out: GoMap = {};
    for (const [key, item] of Object.entries(value)) out[key] = tomlValue(item);
    return out;
  }
  return null;
}

/**
 * Helm's additions to the function map (helm's pkg/engine funcs.go and engine.go, as the
 * tplrender oracle registers them): YAML, JSON and TOML conversions, include/tpl through the
 * engine's runtime, required, fail, and the offline stand-ins for lookup and getHostByName
 * (an empty map and "", as `helm template` without a cluster or --enable-dns).
 */
export function helmFunctions(runtime: TemplateRuntime): FunctionMap {
  const includeDepth = new Map<string, number>();
  return {
    toYaml: define(["any"], (v) => {
      try {
        return marshalYaml(v).replace(/\n$/, "");
      } catch {
        return "";
      }
    }),
    mustToYaml: define(["any"], (v) => {
      try {
        return marshalYaml(v).replace(/\n$/, "");
      } catch (error) {
        const text = message(error);
        fail(text.startsWith("error converting") ? text : `error marshaling into JSON: ${text}`);
      }
    }),
    toYamlPretty: define(["any"], (v) => {
      try {
        return marshalYamlPretty(v).replace(/\n$/, "");
      } catch {
        return "";
      }
    }),
    fromYaml: define(["string"], (s) => {
      try {
        const value = parseYaml(s);
        if (value === null) return {};
        if (!isMap(value)) return { Error: unmarshalTypeError(value, "map[string]interface {}") };
        return value;
      } catch (error) {
        return { Error: message(error) };
      }
    }),
    fromYamlArray: define(["string"], (s) => {
      try {
        const value = parseYaml(s);
        if (value === null) return [];
        if (!Array.isArray(value)) return [unmarshalTypeError(value, "[]interface {}")];
        return value;
      } catch (error) {
        return [message(error)];
      }
    }),
    // Helm's toJson and mustToJson behave as sprig's
    toJson: jsonFunctions.toJson!,
    mustToJson: jsonFunctions.mustToJson!,
    fromJson: define(["string"], (s) => fromJsonWith(s, () => ({}), isMap, "map[string]interface {}")),
    fromJsonArray: define(["string"], (s) => fromJsonWith(s, () => [], Array.isArray, "[]interface {}")),
    toToml: define(["any"], (v) => {
      try {
        return marshalToml(v);
      } catch (error) {
        if (error instanceof TomlError) return error.message;
        fail(message(error));
      }
    }),
    fromToml: define(["string"], (s) => {
      try {
        return tomlValue(Bun.TOML.parse(s));
      } catch (error) {
        return { Error: message(error) };
      }
    }),
    include: define(["string", "any"], (name, data) => {
      const depth = includeDepth.get(name) ?? 0;
      if (depth > MAX_INCLUDE_DEPTH) fail(`rendering template has a nested reference name: ${name}: unable to execute template`);
      includeDepth.set(name, depth + 1);
      try {
        return runtime.include(name, data);
      } finally {
        includeDepth.set(name, depth);
      }
    }),
    tpl: define(["string", "any"], (text, data) => {
      try {
        return runtime.tpl(text, data);
      } catch (error) {
        if (error instanceof TemplateError) {
          const what = error.phase === "parse" ? "cannot parse template" : "error during tpl function execution for";
          fail(`${what} ${goQuote(text)}: ${error.message}`);
        }
        throw error;
      }
    }),
    required: define(["string", "any"], (warning, value) => {
      if (value === null || value === undefined || value === "") fail(warnWrap(warning));
      return value;
    }),
    fail: define(["string"], (text) => fail(warnWrap(text))),
    getHostByName: define(["string"], () => ""),
    lookup: define(["string", "string", "string", "string"], () => ({})),
  };
}

/** sprig + Helm's functions, with Helm's overrides, and without env and expandenv (Helm deletes them). */
export function allFunctions(runtime: TemplateRuntime): FunctionMap {
  const functions: Record<string, FunctionMap[string]> = { ...sprigFunctions, ...helmFunctions(runtime) };
  delete functions.env;
  delete functions.expandenv;
  return functions;
}
