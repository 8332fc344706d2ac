import type { GoValue } from "./go-value.ts";
import type { EngineValue } from "./interface-value.ts";
import type { GoParamType, TemplateFunction } from "./template-function.ts";

/** Parameter types the engine knows: the contract's, plus Go's reflect.Value for builtins (anything, even missing). */
export type EngineParamType = GoParamType | "value";

/** A callable as the engine sees it: functions, GoStruct methods and the builtins. */
export interface EngineFunction {
  readonly params: readonly EngineParamType[];
  readonly variadic?: EngineParamType;
  call(args: EngineValue[]): EngineValue;
}

/** A template function (or a method bound to `receiver`) as an EngineFunction. */
export function engineFunctionOf(
  fn: (...args: GoValue[]) => GoValue,
  signature: { params: readonly GoParamType[]; variadic?: GoParamType },
  receiver?: unknown,
): EngineFunction {
  return {
    params: signature.params,
    variadic: signature.variadic,
    call: (args) => fn.apply(receiver, args as GoValue[]) ?? null,
  };
}

/** A map's functions as EngineFunctions. */
export function engineFunctionsOf(functions: Readonly<Record<string, TemplateFunction>>): Map<string, EngineFunction> {
  return new Map(Object.entries(functions).map(([name, fn]) => [name, engineFunctionOf(fn.fn, fn)]));
}
