import { compareGoStrings } from "./compare-go-strings.ts";
import { goSprintf } from "./go-sprint.ts";
import { goTypeOf, kindOf, type GoValue } from "./go-value.ts";

type BasicKind = "bool" | "int" | "float" | "string" | "invalid";

const BAD_TYPE = "invalid type for comparison";
const INCOMPATIBLE = "incompatible types for comparison";

function basicKind(value: GoValue): BasicKind {
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  return "invalid";
}

function isZero(value: GoValue): boolean {
  return value === undefined || value === null;
}

/**
 * The template builtin `eq arg1 arg2…`: true when arg1 equals any of the others, with Go's
 * rules — basic kinds compare by value, int against float64 is an error
 * ("incompatible types for comparison"), nil equals only nil, slices and maps cannot be compared.
 * Arguments are concrete values; `null`/`undefined` are nil.
 * @throws {Error} with Go's message
 */
export function goEqual(arg1: GoValue, ...others: GoValue[]): boolean {
  if (others.length === 0) throw new Error("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of others) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (!isZero(arg1) && !isZero(arg)) throw new Error(INCOMPATIBLE);
    } else if (k1 === "int" || k1 === "float" || k1 === "bool" || k1 === "string") {
      truth = arg1 === arg;
    } else {
      const kind1 = isZero(arg1) ? "nil" : kindOf(arg1);
      const kind2 = isZero(arg) ? "nil" : kindOf(arg);
      if (kind1 !== kind2 && kind1 !== "nil" && kind2 !== "nil" && reflectKind(kind1) !== reflectKind(kind2)) {
        throw new Error(
          `non-comparable types ${goSprintf("%s", arg1)}: ${goTypeOf(arg1)}, ${goTypeOf(arg)}: ${goSprintf("%v", arg)}`,
        );
      }
      if (isZero(arg1) || isZero(arg)) truth = isZero(arg1) === isZero(arg);
      else {
        if (kind2 === "slice" || kind2 === "bytes" || kind2 === "map" || kind2 === "func") {
          throw new Error(`non-comparable type ${goSprintf("%s", arg)}: ${goTypeOf(arg)}`);
        }
        truth = arg1 === arg;
      }
    }
    if (truth) return true;
  }
  return false;
}

/** reflect.Kind as Go's canCompare sees it: a []byte is a slice too. */
function reflectKind(kind: string): string {
  return kind === "bytes" ? "slice" : kind;
}

/** The template builtin `lt`: basic kinds of the same kind only; strings byte-wise. */
export function goLess(arg1: GoValue, arg2: GoValue): boolean {
  const k1 = basicKind(arg1);
  if (k1 === "invalid") throw new Error(BAD_TYPE);
  const k2 = basicKind(arg2);
  if (k2 === "invalid") throw new Error(BAD_TYPE);
  if (k1 !== k2) throw new Error(INCOMPATIBLE);
  switch (k1) {
    case "bool":
      throw new Error(BAD_TYPE);
    case "string":
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as number | bigint) < (arg2 as number | bigint);
  }
}

/** `le`: lt or eq. */
export function goLessOrEqual(arg1: GoValue, arg2: GoValue): boolean {
  return goLess(arg1, arg2) || goEqual(arg1, arg2);
}
