import { GoStruct, type GoValue } from "../go-value.ts";

/**
 * sprig's `empty`: the zero value of its type. nil, "", 0, 0.0, false and empty slices and maps
 * are empty; structs never are (a *semver.Version or time.Time is not empty).
 */
export function isEmpty(value: GoValue): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case "string":
      return value.length === 0;
    case "boolean":
      return !value;
    case "number":
      return value === 0;
    case "bigint":
      return value === 0n;
    case "function":
      return false;
  }
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  if (value instanceof GoStruct) return false;
  return Object.keys(value).length === 0;
}
