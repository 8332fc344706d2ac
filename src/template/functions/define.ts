import { TemplateFunctionError, type GoMap, type GoValue } from "../go-value.ts";
import type { GoParamType, TemplateFunction } from "../template-function.ts";

/** The JavaScript type a Go parameter type arrives as (after the engine's conversion). */
export type ParamValue<T extends GoParamType> = T extends "string"
  ? string
  : T extends "int"
    ? bigint
    : T extends "float64"
      ? number
      : T extends "bool"
        ? boolean
        : T extends "slice"
          ? readonly GoValue[] | null
          : T extends "map"
            ? GoMap | null
            : T extends "strings"
              ? readonly string[] | null
              : T extends "bytes"
                ? Uint8Array | null
                : GoValue;

type Params<P extends readonly GoParamType[]> = { [K in keyof P]: ParamValue<P[K]> };

/** A template function with fixed parameters. */
export function define<const P extends readonly GoParamType[]>(
  params: P,
  fn: (...args: Params<P>) => GoValue,
): TemplateFunction {
  return { params, fn: fn as (...args: GoValue[]) => GoValue };
}

/** A template function whose last parameter is variadic (`...T`): `fn` gets the extra arguments as an array. */
export function defineVariadic<const P extends readonly GoParamType[], V extends GoParamType>(
  params: P,
  variadic: V,
  fn: (...args: [...Params<P>, ParamValue<V>[]]) => GoValue,
): TemplateFunction {
  return {
    params,
    variadic,
    fn: (...args: GoValue[]) => (fn as (...a: unknown[]) => GoValue)(...args.slice(0, params.length), args.slice(params.length)),
  };
}

/** Fails the template with `message` (a Go error return or panic). */
export function fail(message: string): never {
  throw new TemplateFunctionError(message);
}

/** Go int conversion of an int parameter for loops and sizes (bigint → number, clamped). */
export function int(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}
