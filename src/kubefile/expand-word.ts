import type { VariablePart, WordPart } from "./scan-words.ts";

/** Gives a variable's value, or `undefined` when it is not set (which `-` and `+` tell apart from ""). */
export type VariableLookup = (name: string) => string | undefined;

/** Expands a scanned word; unset variables become "" as in Docker. */
export function expandWord(parts: readonly WordPart[], lookup: VariableLookup): string {
  return parts.map((part) => (part.kind === "text" ? part.value : expandVariable(part, lookup))).join("");
}

function expandVariable(variable: VariablePart, lookup: VariableLookup): string {
  const value = lookup(variable.name);
  const modifier = variable.modifier;
  if (!modifier) return value ?? "";
  const word = () => expandWord(modifier.word, lookup);
  switch (modifier.operator) {
    case "-":
      return value ?? word();
    case ":-":
      return value ? value : word();
    case "+":
      return value === undefined ? "" : word();
    case ":+":
      return value ? word() : "";
  }
}
