import type { FunctionMap } from "../template-function.ts";
import { define, defineVariadic } from "./define.ts";
import { isEmpty } from "./is-empty.ts";

/** sprig's defaults.go: default, empty, coalesce, all, any, ternary (all by sprig's `empty` rules). */
export const defaultFunctions: FunctionMap = {
  default: defineVariadic(["any"], "any", (fallback, given) => (given.length === 0 || isEmpty(given[0]) ? fallback : given[0])),
  empty: define(["any"], (value) => isEmpty(value)),
  coalesce: defineVariadic([], "any", (values) => values.find((v) => !isEmpty(v)) ?? null),
  all: defineVariadic([], "any", (values) => values.every((v) => !isEmpty(v))),
  any: defineVariadic([], "any", (values) => values.some((v) => !isEmpty(v))),
  ternary: define(["any", "any", "bool"], (whenTrue, whenFalse, condition) => (condition ? whenTrue : whenFalse)),
};
