/**
 * Go strings are bytes; JS strings are UTF-16. These helpers give the byte view where Go's
 * semantics depend on it (len, index, slice, %x, quoting).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes to a string; invalid sequences become U+FFFD, as Go's output does once it is JSON. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** `len(s)` in Go: the number of UTF-8 bytes. */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else length += 3;
    } else length += 3;
  }
  return length;
}

/** `utf8.RuneCountInString`: code points (a lone surrogate counts as one). */
export function runeCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** A code point as a string; invalid ones (surrogates, > U+10FFFF, negative) become U+FFFD. */
export function runeToString(rune: number): string {
  if (rune < 0 || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return "\uFFFD";
  return String.fromCodePoint(rune);
}
