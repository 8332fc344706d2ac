/** Literal text; `quoted` is true when it came from quotes or an escape, so an `=` in it is not a separator. */
export interface TextPart {
  readonly kind: "text";
  readonly value: string;
  readonly quoted: boolean;
}

/** `$NAME`, `${NAME}` or `${NAME<operator>word}`. */
export interface VariablePart {
  readonly kind: "variable";
  readonly name: string;
  readonly modifier?: VariableModifier;
}

export interface VariableModifier {
  readonly operator: ":-" | "-" | ":+" | "+";
  readonly word: readonly WordPart[];
}

export type WordPart = TextPart | VariablePart;

/** One shell word, `start` and `end` being offsets in the scanned text. */
export interface Word {
  readonly start: number;
  readonly end: number;
  readonly parts: readonly WordPart[];
}

export interface ScanWordsOptions {
  /** Split at unquoted whitespace, or read the whole text as one word (whitespace kept). */
  readonly split: boolean;
  /** Shell quoting (`'…'`, `"…"`, `\x`); off for strings taken from JSON, where only `\$` escapes. */
  readonly quotes: boolean;
  /** Stop after this many words, for instructions whose tail has another syntax. */
  readonly maxWords?: number;
  /** Throws the syntax error found at `offset` in the scanned text. */
  readonly fail: (offset: number, message: string) => never;
}

interface Scanner {
  readonly text: string;
  readonly options: ScanWordsOptions;
  position: number;
}

/** Where the scanner is: decides which characters end a word and what quotes mean. */
interface Context {
  readonly stopAtWhitespace: boolean;
  readonly inBraces: boolean;
  readonly inDoubleQuotes: boolean;
}

/** A name, or digits: Docker reads `$1` as a positional parameter, which is never set. */
const NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)/;
const MODIFIER = /^(:-|:\+|-|\+)/;
/** Inside double quotes a backslash escapes only these, as in Docker; elsewhere it stays. */
const ESCAPABLE_IN_DOUBLE_QUOTES = new Set(['"', "\\", "$"]);

/**
 * Reads shell words the way Docker's word expansion does, keeping variables unexpanded
 * so the caller decides when and with which values to expand them.
 *
 * @throws whatever `options.fail` throws, for unterminated quotes and malformed `${…}`
 */
export function scanWords(text: string, options: ScanWordsOptions): Word[] {
  const scanner: Scanner = { text, options, position: 0 };
  const context: Context = { stopAtWhitespace: options.split, inBraces: false, inDoubleQuotes: false };
  const words: Word[] = [];
  while (words.length < (options.maxWords ?? Infinity)) {
    if (options.split) skipWhitespace(scanner);
    if (atEnd(scanner)) break;
    const start = scanner.position;
    const parts = scanParts(scanner, context);
    words.push({ start, end: scanner.position, parts: mergeText(parts) });
  }
  return words;
}

function scanParts(scanner: Scanner, context: Context): WordPart[] {
  const parts: WordPart[] = [];
  while (!atEnd(scanner)) {
    const character = current(scanner);
    if (context.inBraces && character === "}") break;
    if (context.stopAtWhitespace && isWhitespace(character)) break;
    parts.push(...scanPart(scanner, context));
  }
  return parts;
}

function scanPart(scanner: Scanner, context: Context): WordPart[] {
  const character = current(scanner);
  if (character === "$") return [scanDollar(scanner, context)];
  if (!scanner.options.quotes) return [scanJsonCharacter(scanner)];
  if (character === "'" && !context.inDoubleQuotes) return [scanSingleQuoted(scanner)];
  if (character === '"') return scanDoubleQuoted(scanner);
  if (character === "\\") return [scanEscape(scanner, context)];
  scanner.position++;
  return [text(character, context.inDoubleQuotes)];
}

/** In a JSON string the quotes are already gone; `\$` still keeps a dollar literal. */
function scanJsonCharacter(scanner: Scanner): TextPart {
  if (current(scanner) === "\\" && next(scanner) === "$") {
    scanner.position += 2;
    return text("$", true);
  }
  const character = current(scanner);
  scanner.position++;
  return text(character, false);
}

function scanSingleQuoted(scanner: Scanner): TextPart {
  const start = scanner.position;
  const end = scanner.text.indexOf("'", start + 1);
  if (end < 0) scanner.options.fail(start, "Unterminated single-quoted string");
  scanner.position = end + 1;
  return text(scanner.text.slice(start + 1, end), true);
}

function scanDoubleQuoted(scanner: Scanner): WordPart[] {
  const start = scanner.position++;
  const context: Context = { stopAtWhitespace: false, inBraces: false, inDoubleQuotes: true };
  const parts: WordPart[] = [];
  while (current(scanner) !== '"') {
    if (atEnd(scanner)) scanner.options.fail(start, "Unterminated double-quoted string");
    parts.push(...scanPart(scanner, context));
  }
  scanner.position++;
  // `""` is still a word, even though it holds no text.
  return parts.length > 0 ? parts : [text("", true)];
}

function scanEscape(scanner: Scanner, context: Context): TextPart {
  const escaped = next(scanner);
  const keepsBackslash = escaped === "" || (context.inDoubleQuotes && !ESCAPABLE_IN_DOUBLE_QUOTES.has(escaped));
  if (keepsBackslash) {
    scanner.position++;
    return text("\\", true);
  }
  scanner.position += 2;
  return text(escaped, true);
}

function scanDollar(scanner: Scanner, context: Context): WordPart {
  const following = next(scanner);
  if (following === "{") return scanBracedVariable(scanner, context);
  scanner.position++;
  const name = readName(scanner);
  if (name) return { kind: "variable", name };
  // A `$` not followed by a name is literal, as in the shell.
  return text("$", true);
}

function scanBracedVariable(scanner: Scanner, context: Context): VariablePart {
  const start = scanner.position;
  if (!scanner.text.includes("}", start)) failUnterminated(scanner, start);
  scanner.position += 2;
  const name = readName(scanner);
  if (name === "") {
    scanner.options.fail(start, `Missing variable name in "${referenceText(scanner, start)}"`);
  }
  if (current(scanner) === "}") {
    scanner.position++;
    return { kind: "variable", name };
  }
  const operator = readModifierOperator(scanner, start);
  const word = scanParts(scanner, { stopAtWhitespace: false, inBraces: true, inDoubleQuotes: context.inDoubleQuotes });
  if (atEnd(scanner)) failUnterminated(scanner, start);
  scanner.position++;
  return { kind: "variable", name, modifier: { operator, word: mergeText(word) } };
}

function readModifierOperator(scanner: Scanner, referenceStart: number): VariableModifier["operator"] {
  const match = MODIFIER.exec(scanner.text.slice(scanner.position));
  if (!match) {
    const modifier = scanner.text.slice(scanner.position, scanner.position + 2).replace(/^([^:]).*/, "$1");
    scanner.options.fail(
      scanner.position,
      `Unsupported modifier "${modifier}" in "${referenceText(scanner, referenceStart)}": use ":-", "-", ":+" or "+"`,
    );
  }
  scanner.position += match[0].length;
  return match[0] as VariableModifier["operator"];
}

function failUnterminated(scanner: Scanner, start: number): never {
  return scanner.options.fail(start, `Unterminated variable reference "${referenceText(scanner, start)}": missing "}"`);
}

/** The `${…}` being read, up to its closing brace if there is one, for error messages. */
function referenceText(scanner: Scanner, start: number): string {
  const close = scanner.text.indexOf("}", start);
  return scanner.text.slice(start, close < 0 ? undefined : close + 1);
}

function readName(scanner: Scanner): string {
  const name = NAME.exec(scanner.text.slice(scanner.position))?.[0] ?? "";
  scanner.position += name.length;
  return name;
}

/** Joins neighbouring text of the same kind, so a word reads as few parts as possible. */
function mergeText(parts: readonly WordPart[]): WordPart[] {
  const merged: WordPart[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    if (previous?.kind === "text" && part.kind === "text" && previous.quoted === part.quoted) {
      merged[merged.length - 1] = text(previous.value + part.value, part.quoted);
    } else {
      merged.push(part);
    }
  }
  return merged;
}

function text(value: string, quoted: boolean): TextPart {
  return { kind: "text", value, quoted };
}

function skipWhitespace(scanner: Scanner): void {
  while (!atEnd(scanner) && isWhitespace(current(scanner))) scanner.position++;
}

function isWhitespace(character: string): boolean {
  return character === " " || character === "\t";
}

function atEnd(scanner: Scanner): boolean {
  return scanner.position >= scanner.text.length;
}

/** The character at the scanner, or "" at the end. */
function current(scanner: Scanner): string {
  return scanner.text.charAt(scanner.position);
}

function next(scanner: Scanner): string {
  return scanner.text.charAt(scanner.position + 1);
}
