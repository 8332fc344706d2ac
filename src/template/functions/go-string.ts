/**
 * Go string semantics over JavaScript strings. A Go string is a sequence of UTF-8 bytes, so the
 * functions that index or cut strings (substr, trunc, abbrev, wrap…) work on bytes. Bytes that
 * are not UTF-8 (a cut inside a character, `b64dec` of binary data) are kept as the lone
 * surrogates U+DC80–U+DCFF ("surrogateescape"), so they turn back into the same bytes for
 * `b64enc`, `sha256sum` or `len`; anything that writes text shows them as U+FFFD, as Go's
 * encoders show invalid bytes.
 */
const encoder = new TextEncoder();

/** The UTF-8 bytes of a Go string (escaped raw bytes come back as themselves). */
export function utf8(text: string): Uint8Array {
  if (!/[\udc80-\udcff]/.test(text)) return encoder.encode(text);
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff && ch.length === 1) out.push(c - 0xdc00);
    else out.push(...encoder.encode(ch));
  }
  return new Uint8Array(out);
}

/** Decodes UTF-8 like Go's `for range` over a string, keeping each invalid byte (see above). */
export function decodeUtf8(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const [rune, size] = decodeRune(bytes, i);
    out += rune === 0xfffd && size === 1 ? String.fromCharCode(0xdc00 + bytes[i]!) : String.fromCodePoint(rune);
    i += size;
  }
  return out;
}

/** utf8.DecodeRune: the rune at `i` and its width; invalid input yields (U+FFFD, 1). */
export function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number) => {
    const b = bytes[i + k];
    return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((b0 & 0x1f) << 6) | c1, 2];
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      const rune = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
      if (rune >= 0x800 && (rune < 0xd800 || rune > 0xdfff)) return [rune, 3];
    }
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const rune = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (rune >= 0x10000 && rune <= 0x10ffff) return [rune, 4];
    }
  }
  return [0xfffd, 1];
}

/** Length in bytes, as Go's len(s). */
export function byteLength(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xdc80 && c <= 0xdcff ? 1 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** s[start:end] on bytes. */
export function byteSlice(text: string, start: number, end?: number): string {
  if (isAscii(text)) return text.slice(start, end);
  return decodeUtf8(utf8(text).subarray(start, end));
}

export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** Byte-wise ordering (Go's `<` on strings), which is code-point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** unicode.IsSpace. */
export function isGoSpace(rune: number): boolean {
  if (rune <= 0xff) return rune === 0x20 || (rune >= 0x09 && rune <= 0x0d) || rune === 0x85 || rune === 0xa0;
  return (
    rune === 0x1680 ||
    (rune >= 0x2000 && rune <= 0x200a) ||
    rune === 0x2028 ||
    rune === 0x2029 ||
    rune === 0x202f ||
    rune === 0x205f ||
    rune === 0x3000
  );
}

/** strings.TrimSpace. */
export function trimGoSpace(text: string): string {
  const runes = [...text];
  let start = 0;
  let end = runes.length;
  while (start < end && isGoSpace(runes[start]!.codePointAt(0)!)) start++;
  while (end > start && isGoSpace(runes[end - 1]!.codePointAt(0)!)) end--;
  return runes.slice(start, end).join("");
}

/** unicode.ToUpper per rune (simple case mapping: "ß" stays "ß"). */
export function goToUpper(text: string): string {
  return mapRunes(text, (ch) => ch.toUpperCase());
}

/** unicode.ToLower per rune. */
export function goToLower(text: string): string {
  return mapRunes(text, (ch) => (ch === "\u0130" ? "i" : ch.toLowerCase()));
}

function mapRunes(text: string, map: (ch: string) => string): string {
  if (isAscii(text)) return map(text);
  let out = "";
  for (const ch of text) {
    const mapped = map(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

export function isUpperRune(ch: string): boolean {
  return /^\p{Lu}$/u.test(ch);
}

export function isLowerRune(ch: string): boolean {
  return /^\p{Ll}$/u.test(ch);
}

export function isTitleRune(ch: string): boolean {
  return /^\p{Lt}$/u.test(ch);
}

export function isLetterRune(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** unicode.IsNumber (N). */
export function isNumberRune(ch: string): boolean {
  return /^\p{N}$/u.test(ch);
}

/** unicode.IsPunct (P). */
export function isPunctRune(ch: string): boolean {
  return /^\p{P}$/u.test(ch);
}

/** unicode.ToTitle of one rune. */
export function toTitleRune(ch: string): string {
  const titles: Record<string, string> = { ǆ: "ǅ", ǅ: "ǅ", Ǆ: "ǅ", ǉ: "ǈ", ǈ: "ǈ", Ǉ: "ǈ", ǌ: "ǋ", ǋ: "ǋ", Ǌ: "ǋ", ǳ: "ǲ", ǲ: "ǲ", Ǳ: "ǲ" };
  return titles[ch] ?? goToUpper(ch);
}

/** strconv.Quote / `%q`: a double-quoted Go string literal. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const rune = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (rune < 0x20 || rune === 0x7f) out += `\\x${hex(rune, 2)}`;
    else if (rune >= 0xdc80 && rune <= 0xdcff) out += `\\x${hex(rune - 0xdc00, 2)}`;
    else if (rune >= 0xd800 && rune <= 0xdfff) out += "\\ufffd";
    else if (isGoPrintable(ch)) out += ch;
    else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
    else out += `\\U${hex(rune, 8)}`;
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(ch: string): boolean {
  return ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}
