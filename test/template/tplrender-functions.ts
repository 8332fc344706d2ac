import { goSprintf } from "../../src/template/go-sprint.ts";
import { isTruthy, kindOf, withGoType, type GoValue } from "../../src/template/go-value.ts";
import { quoteGoString } from "../../src/template/quote-go-string.ts";
import { TemplateError } from "../../src/template/template-error.ts";
import type { FunctionMap, TemplateRuntime } from "../../src/template/template-function.ts";

/**
 * Stand-ins for the few sprig/Helm functions the vectors use, with the Go signatures and the
 * behaviour of ../shared/tools/tplrender (funcs.go): they exercise the engine's argument checks,
 * typed results ([]string), errors from functions, and include/tpl over `TemplateSet#runtime()`.
 */
export function tplrenderFunctions(runtime: () => TemplateRuntime): FunctionMap {
  const included = new Map<string, number>();
  const wrap = (message: string) => new Error(`HELM_ERR_START${message}HELM_ERR_END`);
  return {
    upper: { params: ["string"], fn: (s) => (s as string).toUpperCase() },
    repeat: {
      params: ["int", "string"],
      fn: (count, s) => {
        if ((count as bigint) < 0n) throw new Error("strings: negative Repeat count");
        return (s as string).repeat(Number(count));
      },
    },
    trimPrefix: {
      params: ["string", "string"],
      fn: (prefix, s) => ((s as string).startsWith(prefix as string) ? (s as string).slice((prefix as string).length) : s),
    },
    splitList: {
      params: ["string", "string"],
      fn: (sep, s) => withGoType(sep === "" ? [...(s as string)] : (s as string).split(sep as string), "[]string"),
    },
    list: { params: [], variadic: "any", fn: (...items) => items },
    typeOf: { params: ["any"], fn: (value) => goSprintf("%T", value) },
    kindOf: {
      params: ["any"],
      fn: (value) => {
        const kind = kindOf(value);
        return kind === "nil" ? "invalid" : kind === "bytes" ? "slice" : kind;
      },
    },
    default: {
      params: ["any"],
      variadic: "any",
      fn: (fallback, ...given) => (given.length === 0 || !isTruthy(given[0]) ? fallback : given[0]!),
    },
    quote: {
      params: [],
      variadic: "any",
      fn: (...values) =>
        values
          .filter((value) => value !== null)
          .map((value) => goSprintf("%q", typeof value === "string" ? value : goSprintf("%v", value)))
          .join(" "),
    },
    ternary: { params: ["any", "any", "bool"], fn: (yes, no, condition) => (condition ? yes : no) },
    fail: {
      params: ["string"],
      fn: (message) => {
        throw wrap(message as string);
      },
    },
    required: {
      params: ["string", "any"],
      fn: (warning, value) => {
        if (value === null || value === "") throw wrap(warning as string);
        return value;
      },
    },
    include: {
      params: ["string", "any"],
      fn: (name, data) => {
        const key = name as string;
        const count = included.get(key) ?? 0;
        if (count > 1000) {
          throw new Error(`rendering template has a nested reference name: ${key}: unable to execute template`);
        }
        included.set(key, count + 1);
        try {
          return runtime().include(key, data as GoValue);
        } finally {
          included.set(key, included.get(key)! - 1);
        }
      },
    },
    tpl: {
      params: ["string", "any"],
      fn: (text, data) => {
        try {
          return runtime().tpl(text as string, data as GoValue);
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          const quoted = quoteGoString(text as string);
          if (error.phase === "parse") throw new Error(`cannot parse template ${quoted}: ${error.message}`);
          throw new Error(`error during tpl function execution for ${quoted}: ${error.message}`);
        }
      },
    },
  };
}
