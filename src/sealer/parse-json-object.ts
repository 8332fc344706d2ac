import { locateJsonError } from "../util/locate-json-error.ts";
import { UserInputError } from "../util/source-location.ts";

/** A JSON object from a user's file; a syntax error points at its line and column. */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const before = text.slice(0, locateJsonError(text) ?? 0);
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    throw new UserInputError({ file, line, column }, `not valid JSON: ${(error as Error).message.replace(/^JSON Parse error: /, "")}`, { cause: error });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new UserInputError({ file, line: 1, column: 1 }, "must be a JSON object");
  return value as Record<string, unknown>;
}
