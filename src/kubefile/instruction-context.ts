import type { SourceLocation } from "../util/source-location.ts";
import { expandWord } from "./expand-word.ts";
import { KubefileSyntaxError } from "./kubefile-syntax-error.ts";
import { parseJsonStringArray, type JsonString } from "./parse-json-string-array.ts";
import type { Keyword } from "./parse-keyword.ts";
import { scanWords, type WordPart } from "./scan-words.ts";
import { locationAt, type LogicalLine } from "./split-logical-lines.ts";
import type { VariableScope } from "./variable-scope.ts";

/** Everything an instruction parser needs about the line it parses. */
export interface InstructionContext {
  readonly line: LogicalLine;
  readonly keyword: Keyword;
  /** The keyword's position: where instruction-level errors point. */
  readonly location: SourceLocation;
  /** The whole instruction, continuations joined, trimmed. */
  readonly text: string;
  /** What follows the keyword, trimmed. Offsets used below are relative to it. */
  readonly args: string;
  readonly argsOffset: number;
  readonly scope: VariableScope;
}

/** One argument: where it is, how it was written (for messages) and its unexpanded parts. */
export interface Argument {
  readonly start: number;
  readonly end: number;
  readonly written: string;
  readonly parts: readonly WordPart[];
}

/** Throws a syntax error pointing at the keyword. */
export function failAtKeyword(context: InstructionContext, message: string): never {
  throw new KubefileSyntaxError(context.location, message);
}

/** Throws a syntax error pointing at `offset` in the arguments. */
export function failAt(context: InstructionContext, offset: number, message: string): never {
  throw new KubefileSyntaxError(locationAt(context.line, context.argsOffset + offset), message);
}

/** Shell words of the arguments from `from` on; `maxWords` leaves the rest for another syntax. */
export function argumentWords(
  context: InstructionContext,
  options: { from?: number; maxWords?: number } = {},
): Argument[] {
  return scanArguments(context, options.from ?? 0, { split: true, maxWords: options.maxWords });
}

/** The arguments from `from` on, read as one word with its whitespace kept (legacy ENV value, MAINTAINER…). */
export function argumentsAsOneWord(context: InstructionContext, from = 0): Argument | undefined {
  return scanArguments(context, from, { split: false })[0];
}

function scanArguments(
  context: InstructionContext,
  from: number,
  options: { split: boolean; maxWords?: number },
): Argument[] {
  const text = context.args.slice(from);
  const words = scanWords(text, {
    ...options,
    quotes: true,
    fail: (offset, message) => failAt(context, from + offset, message),
  });
  return words.map((word) => ({
    start: from + word.start,
    end: from + word.end,
    written: text.slice(word.start, word.end),
    parts: word.parts,
  }));
}

/** Where the text after an argument starts: past it and the whitespace after it. */
export function offsetAfter(context: InstructionContext, argument: Argument): number {
  const rest = context.args.slice(argument.end);
  return argument.end + rest.length - rest.trimStart().length;
}

/**
 * Reads the arguments from `from` on as a JSON array of strings (exec form).
 *
 * @throws {KubefileSyntaxError} at the offending character when it is not one
 */
export function jsonArray(context: InstructionContext, from = 0): readonly JsonString[] {
  const result = parseJsonStringArray(context.args.slice(from));
  if (!result.ok) failAt(context, from + result.offset, result.message);
  return result.elements.map((element) => ({ ...element, offset: from + element.offset, end: from + element.end }));
}

/** Exec form `["a", "b"]` when the arguments start with "[", else shell words (COPY, LAUNCH). */
export function listArguments(context: InstructionContext): Argument[] {
  if (!context.args.startsWith("[")) return argumentWords(context);
  return jsonArray(context).map((element) => jsonArgument(context, element));
}

/** A JSON element as an argument whose variables can be expanded (its quotes were JSON's, not the shell's). */
export function jsonArgument(context: InstructionContext, element: JsonString): Argument {
  const [word] = scanWords(element.value, {
    split: false,
    quotes: false,
    fail: (_, message) => failAt(context, element.offset, message),
  });
  return { start: element.offset, end: element.end, written: element.value, parts: word?.parts ?? [] };
}

export function expand(context: InstructionContext, argument: Argument): string {
  return expandWord(argument.parts, (name) => context.scope.lookup(name));
}

/** Expands an argument that must not come out empty, e.g. a path or an image. */
export function expandRequired(context: InstructionContext, argument: Argument, what: string): string {
  const value = expand(context, argument);
  if (value === "") failAt(context, argument.start, `${what} "${argument.written}" is empty after variable expansion`);
  return value;
}

/** The fields every instruction shares. */
export function located(context: InstructionContext): { location: SourceLocation; text: string } {
  return { location: context.location, text: context.text };
}
