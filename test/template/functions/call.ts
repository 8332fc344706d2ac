import type { GoValue } from "../../../src/template/go-value.ts";
import type { FunctionMap } from "../../../src/template/template-function.ts";

/** Calls a template function directly, as the engine would after converting the arguments. */
export function call(functions: FunctionMap, name: string, ...args: GoValue[]): GoValue {
  const fn = functions[name];
  if (!fn) throw new Error(`no function ${name}`);
  return fn.fn(...args);
}
