import type { GoMap, GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, defineVariadic, fail } from "./define.ts";
import { strval } from "./format-value.ts";
import { goTypeOf, isList, isMap, isNilCollection, nilSlice, withGoType } from "./go-type.ts";
import { isEmpty } from "./is-empty.ts";

/**
 * sprig's dict functions (dict.go). `keys` and `values` return the map's insertion order where Go
 * returns a random one: templates must sort them (`keys $m | sortAlpha`) either way.
 */
export const dictFunctions: FunctionMap = {
  dict: defineVariadic([], "any", (pairs) => {
    const out: GoMap = {};
    for (let i = 0; i < pairs.length; i += 2) out[strval(pairs[i])] = i + 1 < pairs.length ? pairs[i + 1] : "";
    return out;
  }),
  get: define(["map", "string"], (d, key) => (d && Object.hasOwn(d, key) ? d[key] : "")),
  set: define(["map", "string", "any"], (d, key, value) => {
    if (!d) fail("assignment to entry in nil map");
    d[key] = value;
    return d;
  }),
  unset: define(["map", "string"], (d, key) => {
    if (d) delete d[key];
    return d;
  }),
  hasKey: define(["map", "string"], (d, key) => d !== null && Object.hasOwn(d, key)),
  pluck: defineVariadic(["string"], "map", (key, dicts) =>
    dicts.filter((d): d is GoMap => d !== null && Object.hasOwn(d, key)).map((d) => d[key]),
  ),
  keys: defineVariadic([], "map", (dicts) => withGoType(dicts.flatMap((d) => (d ? Object.keys(d) : [])), "[]string")),
  values: define(["map"], (d) => (d ? Object.values(d) : [])),
  pick: defineVariadic(["map"], "string", (d, keys) => {
    const out: GoMap = {};
    for (const key of keys) if (d && Object.hasOwn(d, key)) out[key] = d[key];
    return out;
  }),
  omit: defineVariadic(["map"], "string", (d, keys) => {
    const out: GoMap = {};
    for (const [key, value] of Object.entries(d ?? {})) if (!keys.includes(key)) out[key] = value;
    return out;
  }),
  merge: defineVariadic(["map"], "map", (dst, srcs) => mergeAll(dst, srcs, false)),
  mustMerge: defineVariadic(["map"], "map", (dst, srcs) => mergeAll(dst, srcs, false)),
  mergeOverwrite: defineVariadic(["map"], "map", (dst, srcs) => mergeAll(dst, srcs, true)),
  mustMergeOverwrite: defineVariadic(["map"], "map", (dst, srcs) => mergeAll(dst, srcs, true)),
  deepCopy: define(["any"], (value) => deepCopy(value)),
  mustDeepCopy: define(["any"], (value) => deepCopy(value)),
  dig: defineVariadic([], "any", (args) => {
    if (args.length < 3) fail("dig needs at least three arguments");
    const dict = args.at(-1);
    const fallback = args.at(-2);
    if (!isMap(dict ?? null)) fail(interfaceConversion(dict, "map[string]interface {}"));
    const keys = args.slice(0, -2).map((key) => (typeof key === "string" ? key : fail(interfaceConversion(key, "string"))));
    let current = dict as GoMap;
    for (let i = 0; i < keys.length; i++) {
      if (!Object.hasOwn(current, keys[i]!)) return fallback;
      const step = current[keys[i]!];
      if (i === keys.length - 1) return step;
      if (!isMap(step ?? null)) fail(interfaceConversion(step, "map[string]interface {}"));
      current = step as GoMap;
    }
    return fallback;
  }),
};

function interfaceConversion(value: GoValue, want: string): string {
  const got = value === null || value === undefined ? "nil" : goTypeOf(value);
  return `interface conversion: interface {} is ${got}, not ${want}`;
}

function mergeAll(dst: GoMap | null, srcs: (GoMap | null)[], overwrite: boolean): GoMap {
  const target = dst ?? {};
  for (const src of srcs) if (src) mergeMap(target, src, overwrite);
  return target;
}

/**
 * imdario/mergo v0.3.12 deepMerge for map[string]interface{} (sprig's merge and mergeOverwrite):
 * nested maps merge in place; without overwrite a key is filled only when missing or empty; with
 * overwrite scalars and slices replace, even with empty values, but a non-empty dst value is
 * never replaced by a map (mergo skips it).
 */
export function mergeMap(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const value = src[key];
    const present = Object.hasOwn(dst, key);
    const current = dst[key];
    if (value === null || value === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isMap(value) && present && isMap(current ?? null)) mergeMap(current as GoMap, value, overwrite);
    // mergo sets a slice in place when overwriting (or when dst is still empty), even an empty one.
    if (isList(value) && (overwrite || Object.keys(dst).length === 0)) dst[key] = value;
    if (present && !isEmpty(current) && (isMap(value) || isList(value))) continue;
    if (overwrite || !present || isEmpty(current)) dst[key] = value;
  }
}

/** copystructure.Copy over the value model: maps and slices are copied deeply, tags kept. */
export function deepCopy(value: GoValue): GoValue {
  if (value === null || value === undefined) fail("reflect: call of reflect.Value.Type on zero Value");
  return copyValue(value);
}

function copyValue(value: GoValue): GoValue {
  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value)) {
    if (isNilCollection(value)) return nilSlice(goTypeOf(value));
    const type = goTypeOf(value);
    const out = value.map(copyValue);
    return type === "[]interface {}" ? out : withGoType(out, type);
  }
  if (isMap(value)) {
    const out: GoMap = {};
    for (const [key, item] of Object.entries(value)) out[key] = copyValue(item);
    const type = goTypeOf(value);
    return type === "map[string]interface {}" ? out : withGoType(out, type);
  }
  return value;
}
