import { GoStruct, goTypeOf as valueTypeOf, withGoType as markGoType, type GoMap, type GoValue } from "../go-value.ts";

/**
 * Go types the value model cannot tell by itself. Narrower slice and map types (`[]string` from
 * splitList, `[]int` from until, `map[string]string` from split) are marked with go-value's
 * `withGoType`, which the engine also reads. A nil slice (`rest (list)`) is an empty array
 * remembered here: it prints `[]` but encodes as JSON `null`.
 */
const nils = new WeakSet<object>();

/** Marks `value` as Go type `type` (e.g. "[]string"), optionally a nil slice; returns it. */
export function withGoType<T extends readonly GoValue[] | GoMap>(value: T, type: string, nil = false): T {
  if (type !== "[]interface {}" && type !== "map[string]interface {}") markGoType(value, type);
  if (nil) nils.add(value);
  return value;
}

/** A nil slice of the given type (default `[]interface {}`). */
export function nilSlice(type = "[]interface {}"): GoValue[] {
  return withGoType([], type, true);
}

/** Whether `value` is a nil slice (empty, but `null` in JSON and not deepEqual to an empty one). */
export function isNilCollection(value: GoValue): boolean {
  return typeof value === "object" && value !== null && nils.has(value);
}

/** The Go type name of `value`, as `fmt.Sprintf("%T")` prints it. */
export function goTypeOf(value: GoValue): string {
  return valueTypeOf(value ?? null);
}

/** The reflect.Kind name of `value` (`kindOf`): "string", "slice", "map", "ptr", "invalid"… */
export function goKindOf(value: GoValue): string {
  const type = goTypeOf(value);
  if (type === "<nil>") return "invalid";
  if (type.startsWith("*")) return "ptr";
  if (type.startsWith("[]")) return "slice";
  if (type.startsWith("map[")) return "map";
  if (type.startsWith("func")) return "func";
  if (value instanceof GoStruct) return "struct";
  return type;
}

/** Whether `value` is a map (plain object). */
export function isMap(value: GoValue): value is GoMap {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value) || value instanceof Uint8Array || value instanceof GoStruct) return false;
  return true;
}

/** Whether `value` is a slice or array (reflect.Slice / reflect.Array kinds; []byte included). */
export function isList(value: GoValue): value is readonly GoValue[] | Uint8Array {
  return Array.isArray(value) || value instanceof Uint8Array;
}

/** The elements of a slice as Go values ([]byte elements are uint8 → bigint). */
export function listItems(value: readonly GoValue[] | Uint8Array): GoValue[] {
  if (value instanceof Uint8Array) return Array.from(value, (byte) => BigInt(byte));
  return [...value];
}
