import type { GoValue } from "./go-value.ts";
import { GoPrinter } from "./go-printer.ts";

/**
 * Go's fmt.Sprint, Sprintf and Sprintln over template values: `%v` of a float64 is the shortest
 * `%g` (1e+06), maps print sorted as `map[a:1 b:2]`, slices as `[1 2]`, nil as `<nil>`, a wrong
 * verb as `%!d(string=x)`, a missing operand as `%!d(MISSING)`, extra ones as `%!(EXTRA int=3)`.
 * `null` and `undefined` are both nil. The sprig/Helm functions use these for toString, cat,
 * quote, printf-like helpers.
 */
export function goSprint(...args: GoValue[]): string {
  const printer = new GoPrinter();
  printer.print(args);
  return printer.text();
}

/** fmt.Sprintf. */
export function goSprintf(format: string, ...args: GoValue[]): string {
  const printer = new GoPrinter();
  printer.printf(format, args);
  return printer.text();
}

/** fmt.Sprintln: operands separated by spaces, then a newline. */
export function goSprintln(...args: GoValue[]): string {
  const printer = new GoPrinter();
  printer.println(args);
  return printer.text();
}
