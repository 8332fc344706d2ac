import type { FunctionMap } from "../template-function.ts";
import { deepEqual } from "./deep-equal.ts";
import { define } from "./define.ts";
import { goKindOf, goTypeOf } from "./go-type.ts";

/**
 * sprig's reflect.go. Type names follow Go (`[]interface {}`, `map[string]interface {}`,
 * `float64` for numbers from values files); an int64 result of `add` reports `int`, because the
 * value model has one integer type.
 */
export const reflectFunctions: FunctionMap = {
  typeOf: define(["any"], (v) => goTypeOf(v)),
  typeIs: define(["string", "any"], (target, v) => target === goTypeOf(v)),
  typeIsLike: define(["string", "any"], (target, v) => {
    const type = goTypeOf(v);
    return target === type || `*${target}` === type;
  }),
  kindOf: define(["any"], (v) => goKindOf(v)),
  kindIs: define(["string", "any"], (target, v) => target === goKindOf(v)),
  deepEqual: define(["any", "any"], (a, b) => deepEqual(a, b)),
};
