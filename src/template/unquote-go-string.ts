import { utf8Decode, utf8Encode } from "./utf8-bytes.ts";

/** strconv's ErrSyntax: the text is not a valid Go literal. */
export class GoSyntaxError extends Error {
  override name = "GoSyntaxError";
  constructor() {
    super("invalid syntax");
  }
}

/** One decoded character: a code point, or a single byte (`\x..` and octal escapes in strings). */
export interface UnquotedChar {
  readonly value: number;
  readonly multibyte: boolean;
  readonly tail: string;
}

/**
 * `strconv.UnquoteChar`: decodes the first character or escape of `text`, quoted by `quote`
 * ('"', "'" or 0).
 * @throws {GoSyntaxError} on a bad escape
 */
export function unquoteGoChar(text: string, quote: string): UnquotedChar {
  const first = text.codePointAt(0);
  if (first === undefined) throw new GoSyntaxError();
  const c = String.fromCodePoint(first);
  if (c === quote && (quote === "'" || quote === '"')) throw new GoSyntaxError();
  if (first >= 0x80) return { value: first, multibyte: true, tail: text.slice(c.length) };
  if (c !== "\\") return { value: first, multibyte: false, tail: text.slice(1) };
  if (text.length <= 1) throw new GoSyntaxError();
  const escape = text[1]!;
  let rest = text.slice(2);
  switch (escape) {
    case "a":
      return { value: 7, multibyte: false, tail: rest };
    case "b":
      return { value: 8, multibyte: false, tail: rest };
    case "f":
      return { value: 12, multibyte: false, tail: rest };
    case "n":
      return { value: 10, multibyte: false, tail: rest };
    case "r":
      return { value: 13, multibyte: false, tail: rest };
    case "t":
      return { value: 9, multibyte: false, tail: rest };
    case "v":
      return { value: 11, multibyte: false, tail: rest };
    case "x":
    case "u":
    case "U": {
      const size = escape === "x" ? 2 : escape === "u" ? 4 : 8;
      if (rest.length < size) throw new GoSyntaxError();
      let value = 0;
      for (let i = 0; i < size; i++) {
        const digit = parseInt(rest[i]!, 16);
        if (Number.isNaN(digit)) throw new GoSyntaxError();
        value = value * 16 + digit;
      }
      rest = rest.slice(size);
      if (escape === "x") return { value, multibyte: false, tail: rest };
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) throw new GoSyntaxError();
      return { value, multibyte: true, tail: rest };
    }
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7": {
      let value = Number(escape);
      if (rest.length < 2) throw new GoSyntaxError();
      for (let i = 0; i < 2; i++) {
        const digit = rest.charCodeAt(i) - 0x30;
        if (digit < 0 || digit > 7) throw new GoSyntaxError();
        value = value * 8 + digit;
      }
      if (value > 255) throw new GoSyntaxError();
      return { value, multibyte: false, tail: rest.slice(2) };
    }
    case "\\":
      return { value: 0x5c, multibyte: false, tail: rest };
    case "'":
    case '"':
      if (escape !== quote) throw new GoSyntaxError();
      return { value: escape.charCodeAt(0), multibyte: false, tail: rest };
    default:
      throw new GoSyntaxError();
  }
}

/**
 * `strconv.Unquote` for "…", `…` and '…' literals. Byte escapes are assembled as UTF-8, so
 * "\xc3\xa9" is "é".
 * @throws {GoSyntaxError} when the literal is malformed
 */
export function unquoteGoString(literal: string): string {
  const n = literal.length;
  if (n < 2) throw new GoSyntaxError();
  const quote = literal[0]!;
  if (quote !== literal[n - 1]) throw new GoSyntaxError();
  let body = literal.slice(1, n - 1);
  if (quote === "`") {
    if (body.includes("`")) throw new GoSyntaxError();
    return body.includes("\r") ? body.replaceAll("\r", "") : body;
  }
  if (quote !== '"' && quote !== "'") throw new GoSyntaxError();
  if (body.includes("\n")) throw new GoSyntaxError();
  if (!body.includes("\\") && !body.includes(quote)) {
    if (quote === '"') return body;
    if (quote === "'" && [...body].length === 1) return body;
  }
  const bytes: number[] = [];
  while (body.length > 0) {
    const char = unquoteGoChar(body, quote);
    body = char.tail;
    if (char.value < 0x80 || !char.multibyte) bytes.push(char.value);
    else bytes.push(...utf8Encode(String.fromCodePoint(char.value)));
    if (quote === "'" && body.length !== 0) throw new GoSyntaxError();
  }
  return utf8Decode(Uint8Array.from(bytes));
}
