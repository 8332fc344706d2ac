import type { GoValue } from "../go-value.ts";
import type { FunctionMap, TemplateFunction } from "../template-function.ts";
import { deepEqual } from "./deep-equal.ts";
import { define, defineVariadic, fail, int } from "./define.ts";
import { strval } from "./format-value.ts";
import { toInt64 } from "./go-cast.ts";
import { compareGoStrings } from "./go-string.ts";
import { goKindOf, goTypeOf, isList, listItems, nilSlice, withGoType } from "./go-type.ts";
import { isEmpty } from "./is-empty.ts";
import { toStrings } from "./string-functions.ts";

/** The elements of a slice argument, or the error sprig's must* variant returns. */
function itemsOf(value: GoValue, message: (kind: string) => string): GoValue[] {
  if (value === null || value === undefined) fail("runtime error: invalid memory address or nil pointer dereference");
  if (!isList(value)) fail(message(goKindOf(value)));
  return listItems(value);
}

/** Defines `name` and `mustName`: sprig panics in the first and returns the error in the second, same message. */
function both(name: string, mustName: string, fn: TemplateFunction): Record<string, TemplateFunction> {
  return { [name]: fn, [mustName]: fn };
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = withGoType([], "[]int");
  if (stop < start) {
    if (step >= 0n) return out;
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0n) return out;
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

export { untilStep };

/** sprig's list functions (list.go), plus until/untilStep. */
export const listFunctions: FunctionMap = {
  list: defineVariadic([], "any", (items) => items),
  tuple: defineVariadic([], "any", (items) => items),
  ...both(
    "append",
    "mustAppend",
    define(["any", "any"], (list, v) => [...itemsOf(list, (k) => `Cannot push on type ${k}`), v]),
  ),
  ...both(
    "push",
    "mustPush",
    define(["any", "any"], (list, v) => [...itemsOf(list, (k) => `Cannot push on type ${k}`), v]),
  ),
  ...both(
    "prepend",
    "mustPrepend",
    define(["any", "any"], (list, v) => [v, ...itemsOf(list, (k) => `Cannot prepend on type ${k}`)]),
  ),
  ...both(
    "chunk",
    "mustChunk",
    define(["int", "any"], (size, list) => {
      const items = itemsOf(list, (k) => `Cannot chunk type ${k}`);
      const n = int(size);
      if (n <= 0) {
        // Go's float arithmetic gives one chunk for a single item and a size below -1, else a bad make.
        if (items.length === 1 && n < -1) return withGoType([items], "[][]interface {}");
        fail("runtime error: makeslice: len out of range");
      }
      const chunks: GoValue[] = [];
      for (let i = 0; i < items.length; i += n) chunks.push(items.slice(i, i + n));
      return withGoType(chunks, "[][]interface {}");
    }),
  ),
  ...both(
    "first",
    "mustFirst",
    define(["any"], (list) => itemsOf(list, (k) => `Cannot find first on type ${k}`)[0] ?? null),
  ),
  ...both(
    "last",
    "mustLast",
    define(["any"], (list) => itemsOf(list, (k) => `Cannot find last on type ${k}`).at(-1) ?? null),
  ),
  ...both(
    "rest",
    "mustRest",
    define(["any"], (list) => {
      const items = itemsOf(list, (k) => `Cannot find rest on type ${k}`);
      return items.length === 0 ? nilSlice() : items.slice(1);
    }),
  ),
  ...both(
    "initial",
    "mustInitial",
    define(["any"], (list) => {
      const items = itemsOf(list, (k) => `Cannot find initial on type ${k}`);
      return items.length === 0 ? nilSlice() : items.slice(0, -1);
    }),
  ),
  ...both(
    "reverse",
    "mustReverse",
    define(["any"], (list) => itemsOf(list, (k) => `Cannot find reverse on type ${k}`).reverse()),
  ),
  ...both(
    "compact",
    "mustCompact",
    define(["any"], (list) => itemsOf(list, (k) => `Cannot compact on type ${k}`).filter((item) => !isEmpty(item))),
  ),
  ...both(
    "uniq",
    "mustUniq",
    define(["any"], (list) => {
      const out: GoValue[] = [];
      for (const item of itemsOf(list, (k) => `Cannot find uniq on type ${k}`)) {
        if (!out.some((seen) => deepEqual(item, seen))) out.push(item);
      }
      return out;
    }),
  ),
  ...both(
    "without",
    "mustWithout",
    defineVariadic(["any"], "any", (list, omit) =>
      itemsOf(list, (k) => `Cannot find without on type ${k}`).filter((item) => !omit.some((o) => deepEqual(item, o))),
    ),
  ),
  ...both(
    "has",
    "mustHas",
    define(["any", "any"], (needle, haystack) => {
      if (haystack === null || haystack === undefined) return false;
      return itemsOf(haystack, (k) => `Cannot find has on type ${k}`).some((item) => deepEqual(needle, item));
    }),
  ),
  ...both(
    "slice",
    "mustSlice",
    defineVariadic(["any"], "any", (list, indices) => {
      const items = itemsOf(list, (k) => `list should be type of slice or array but ${k}`);
      if (items.length === 0) return null;
      const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
      const end = indices.length > 1 ? Number(toInt64(indices[1])) : items.length;
      if (start < 0 || end < start || end > items.length) fail("reflect.Value.Slice: slice index out of bounds");
      const type = goTypeOf(list!);
      const out = items.slice(start, end);
      return type === "[]interface {}" ? out : withGoType(out, type);
    }),
  ),
  concat: defineVariadic([], "any", (lists) => {
    const out: GoValue[] = [];
    for (const list of lists) out.push(...itemsOf(list, (k) => `Cannot concat type ${k} as list`));
    return out.length === 0 ? nilSlice() : out;
  }),
  sortAlpha: define(["any"], (list) => {
    if (!isList(list)) return withGoType([strval(list)], "[]string");
    return withGoType([...toStrings(list)].sort(compareGoStrings), "[]string");
  }),
  until: define(["int"], (count) => untilStep(0n, count, count < 0n ? -1n : 1n)),
  untilStep: define(["int", "int", "int"], (start, stop, step) => untilStep(start, stop, step)),
};
