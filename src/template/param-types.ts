import type { EngineParamType } from "./engine-function.ts";
import { goTypeOf, type GoValue } from "./go-value.ts";
import type { EngineValue } from "./interface-value.ts";
import type { GoParamType } from "./template-function.ts";

// How the engine checks a value against a parameter type, as Go's reflect does in
// text/template's validateType: which types take nil, the nil they get, assignability, names.

/** Whether an untyped nil fits the type (Go's canBeNil). */
export function canBeNil(type: EngineParamType): boolean {
  return type !== "string" && type !== "bool" && type !== "int" && type !== "float64";
}

/** The nil a missing value or the nil literal becomes for the type. */
export function zeroOf(type: EngineParamType): EngineValue {
  return type === "value" ? undefined : null;
}

/** Whether a concrete value can be passed as the type without conversion. */
export function isAssignable(value: GoValue, type: GoParamType): boolean {
  switch (type) {
    case "any":
      return true;
    case "string":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "int":
      return typeof value === "bigint";
    case "float64":
      return typeof value === "number";
    case "bytes":
      return value instanceof Uint8Array;
    case "slice":
      return goTypeOf(value) === "[]interface {}";
    case "map":
      return goTypeOf(value) === "map[string]interface {}";
    case "strings":
      return goTypeOf(value) === "[]string";
  }
}

/** How Go prints a parameter type in messages. */
export function goTypeNameOf(type: EngineParamType | null): string {
  switch (type) {
    case null:
      return "<nil>";
    case "any":
      return "interface {}";
    case "value":
      return "reflect.Value";
    case "slice":
      return "[]interface {}";
    case "map":
      return "map[string]interface {}";
    case "strings":
      return "[]string";
    case "bytes":
      return "[]uint8";
    default:
      return type;
  }
}

