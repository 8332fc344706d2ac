import { isPrint } from "./unicode-class.ts";

const HEX = "0123456789abcdef";

/** `strconv.Quote` (or `QuoteToASCII` with `ascii`): a double-quoted Go string literal. */
export function quoteGoString(text: string, options: { ascii?: boolean } = {}): string {
  let out = '"';
  for (const char of text) out += escapeRune(char.codePointAt(0)!, 0x22, options.ascii ?? false);
  return `${out}"`;
}

/** `strconv.QuoteRune` (or `QuoteRuneToASCII`): a single-quoted Go character literal. */
export function quoteGoRune(rune: number, options: { ascii?: boolean } = {}): string {
  if (rune < 0 || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) rune = 0xfffd;
  return `'${escapeRune(rune, 0x27, options.ascii ?? false)}'`;
}

/** `strconv.CanBackquote`: the text fits in a raw string literal unchanged. */
export function canBackquote(text: string): boolean {
  for (const char of text) {
    const rune = char.codePointAt(0)!;
    if (rune >= 0xd800 && rune <= 0xdfff) return false;
    if (rune === 0xfeff) return false;
    if ((rune < 0x20 && rune !== 0x09) || rune === 0x60 || rune === 0x7f) return false;
  }
  return true;
}

function escapeRune(rune: number, quote: number, ascii: boolean): string {
  if (rune >= 0xd800 && rune <= 0xdfff) rune = 0xfffd; // a lone surrogate: not valid UTF-8 either
  if (rune === quote || rune === 0x5c) return `\\${String.fromCharCode(rune)}`;
  if (ascii) {
    if (rune < 0x80 && isPrint(rune)) return String.fromCharCode(rune);
  } else if (isPrint(rune)) return String.fromCodePoint(rune);
  switch (rune) {
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x0b:
      return "\\v";
  }
  if (rune < 0x20 || rune === 0x7f) return `\\x${HEX[rune >> 4]}${HEX[rune & 15]}`;
  if (rune < 0x10000) return `\\u${rune.toString(16).padStart(4, "0")}`;
  return `\\U${rune.toString(16).padStart(8, "0")}`;
}
