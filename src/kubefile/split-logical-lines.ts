import type { SourceLocation } from "../util/source-location.ts";
import { KubefileSyntaxError } from "./kubefile-syntax-error.ts";

/** Where one physical line's contribution starts, in the joined text and in the file. */
interface LinePiece {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** One instruction's text with `\` continuations joined, plus what is needed to point back into the file. */
export interface LogicalLine {
  readonly file: string;
  /** The joined text; leading whitespace kept so offsets stay simple, trailing whitespace removed. */
  readonly text: string;
  readonly pieces: readonly LinePiece[];
}

/** A line ending in `\`, waiting for the rest of its instruction. */
interface PendingLine {
  readonly text: string;
  readonly pieces: LinePiece[];
  /** The backslash, where a file that ends too early is reported. */
  readonly continuedAt: SourceLocation;
}

const CONTINUATION = /\\[ \t]*$/;

/**
 * Splits a Kubefile into logical lines: drops blank and comment lines and joins lines ending
 * in `\` with the next non-blank, non-comment line (Docker skips those inside continuations too).
 *
 * @throws {KubefileSyntaxError} when the file ends while a line is still being continued
 */
export function splitLogicalLines(text: string, file: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let pending: PendingLine | undefined;

  for (const [index, raw] of physicalLines(text).entries()) {
    if (isBlank(raw) || isComment(raw)) continue;
    const line = index + 1;
    const current: Omit<PendingLine, "continuedAt"> = pending ?? { text: "", pieces: [] };
    current.pieces.push({ offset: current.text.length, line, column: 1 });

    const continuation = CONTINUATION.exec(raw);
    if (continuation) {
      const continuedAt = { file, line, column: continuation.index + 1 };
      pending = { text: current.text + raw.slice(0, continuation.index), pieces: current.pieces, continuedAt };
    } else {
      lines.push({ file, text: (current.text + raw).trimEnd(), pieces: current.pieces });
      pending = undefined;
    }
  }

  if (pending) {
    throw new KubefileSyntaxError(
      pending.continuedAt,
      `Unexpected end of file after the line continuation "\\": the instruction is never finished`,
    );
  }
  return lines;
}

/** The file position of a character of a logical line, given its offset in `line.text`. */
export function locationAt(line: LogicalLine, offset: number): SourceLocation {
  let piece = line.pieces[0] ?? { offset: 0, line: 1, column: 1 };
  for (const candidate of line.pieces) {
    if (candidate.offset > offset) break;
    piece = candidate;
  }
  return { file: line.file, line: piece.line, column: piece.column + offset - piece.offset };
}

function physicalLines(text: string): string[] {
  // A byte order mark is not part of the first instruction.
  return text.replace(/^\uFEFF/, "").split(/\r?\n/);
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith("#");
}
