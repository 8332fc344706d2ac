import type { WordPart } from "./scan-words.ts";

export interface KeyValueParts {
  readonly key: readonly WordPart[];
  readonly value: readonly WordPart[];
}

/**
 * Splits `key=value` at the first `=` that is neither quoted, escaped nor inside `${…}`,
 * or returns `undefined` when there is none.
 */
export function splitKeyValue(parts: readonly WordPart[]): KeyValueParts | undefined {
  const index = parts.findIndex((part) => part.kind === "text" && !part.quoted && part.value.includes("="));
  const separator = parts[index];
  if (separator?.kind !== "text") return undefined;

  const at = separator.value.indexOf("=");
  const before = separator.value.slice(0, at);
  const after = separator.value.slice(at + 1);
  return {
    key: [...parts.slice(0, index), ...(before ? [{ ...separator, value: before }] : [])],
    value: [...(after ? [{ ...separator, value: after }] : []), ...parts.slice(index + 1)],
  };
}
