/** Go's unicode predicates the template engine and fmt need. */

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const UPPER = /^\p{Lu}$/u;

/** `unicode.IsLetter`. */
export function isLetter(rune: number): boolean {
  if (rune < 0x80) return (rune >= 0x41 && rune <= 0x5a) || (rune >= 0x61 && rune <= 0x7a);
  return LETTER.test(String.fromCodePoint(rune));
}

/** `unicode.IsDigit` (decimal digits, any script). */
export function isDigit(rune: number): boolean {
  if (rune < 0x80) return rune >= 0x30 && rune <= 0x39;
  return DIGIT.test(String.fromCodePoint(rune));
}

/** `unicode.IsUpper`: what makes a struct field or method exported. */
export function isUpper(rune: number): boolean {
  if (rune < 0x80) return rune >= 0x41 && rune <= 0x5a;
  return UPPER.test(String.fromCodePoint(rune));
}

/** `unicode.IsPrint` / `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and ' '. */
export function isPrint(rune: number): boolean {
  if (rune < 0x80) return rune >= 0x20 && rune < 0x7f;
  if (rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return false;
  return PRINTABLE.test(String.fromCodePoint(rune));
}

/** `unicode.IsSpace`, used by `bytes.TrimSpace`. */
export function isGoSpace(rune: number): boolean {
  switch (rune) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return rune >= 0x2000 && rune <= 0x200a;
}
