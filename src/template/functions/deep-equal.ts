import { GoStruct, type GoValue } from "../go-value.ts";
import { goTypeOf, isNilCollection } from "./go-type.ts";

/** reflect.DeepEqual: same Go type and deeply equal contents (a nil slice is not an empty one). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return typeof a !== "number" || !Number.isNaN(a);
  if (goTypeOf(a) !== goTypeOf(b)) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (isNilCollection(a) !== isNilCollection(b)) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (a instanceof GoStruct || b instanceof GoStruct) {
    const fields = (value: object) =>
      Object.entries(value).filter(([, field]) => typeof field !== "function") as [string, GoValue][];
    const fa = fields(a);
    const fb = new Map(fields(b));
    return fa.length === fb.size && fa.every(([key, field]) => fb.has(key) && deepEqual(field, fb.get(key)));
  }
  const ma = a as Record<string, GoValue>;
  const mb = b as Record<string, GoValue>;
  const keys = Object.keys(ma);
  if (keys.length !== Object.keys(mb).length) return false;
  return keys.every((key) => Object.hasOwn(mb, key) && deepEqual(ma[key], mb[key]));
}
