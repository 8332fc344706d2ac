import { goTypeOf, type GoValue } from "./go-value.ts";

/**
 * A non-nil value held in an interface{} — what Go's reflect sees when a value comes out of a
 * map[string]interface{} or []interface{}. It only changes error messages ("can't evaluate field
 * x in type interface {}"); a nil interface is `null`. The engine unwraps it before a value
 * reaches a function, a variable set by a pipeline, or the output.
 */
export class InterfaceValue {
  constructor(readonly value: Exclude<GoValue, null | undefined>) {}
}

/** A value as the engine carries it: `undefined` is Go's invalid reflect.Value. */
export type EngineValue = GoValue | InterfaceValue;

/** The concrete value (Go's indirectInterface, but keeping a nil interface as `null`). */
export function unbox(value: EngineValue): GoValue {
  return value instanceof InterfaceValue ? value.value : value;
}

/** An element of a slice or map whose Go element type is `elemType`. */
export function boxElement(value: GoValue, elemType: string): EngineValue {
  if (value === undefined || value === null) return null;
  return elemType === "interface {}" ? new InterfaceValue(value) : value;
}

/** The element type of a slice or map type name: "[]string" → "string", map[string]X → X. */
export function elementTypeOf(typeName: string): string {
  if (typeName.startsWith("[]")) return typeName.slice(2);
  if (typeName.startsWith("map[")) {
    let depth = 0;
    for (let i = 3; i < typeName.length; i++) {
      if (typeName[i] === "[") depth++;
      else if (typeName[i] === "]" && --depth === 0) return typeName.slice(i + 1);
    }
  }
  return "interface {}";
}

/** The zero value of a Go type, as missingkey=zero and `index` give it for an absent key. */
export function zeroValueOf(typeName: string): GoValue {
  switch (typeName) {
    case "string":
      return "";
    case "bool":
      return false;
    case "float64":
    case "float32":
      return 0;
    case "int":
    case "int64":
    case "int32":
    case "uint8":
      return 0n;
    default:
      return null;
  }
}

/** The type Go's reflect reports for the value: "interface {}" when it sits in an interface. */
export function reflectTypeName(value: EngineValue): string {
  if (value instanceof InterfaceValue || value === null) return "interface {}";
  return goTypeOf(value);
}
