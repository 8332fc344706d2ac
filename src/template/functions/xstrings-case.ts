import { goToLower, goToUpper, isGoSpace, isLetterRune, isNumberRune, isPunctRune, isUpperRune } from "./go-string.ts";

/**
 * huandu/xstrings v1.3 case conversions, as sprig's snakecase, kebabcase and camelcase use them:
 * "HTTPServer" → "http_server", "http2xx" → "http_2xx", "some_words" → "SomeWords".
 */
const enum Word {
  Invalid,
  Number,
  UpperCase,
  Alphabet,
  Connector,
  Punct,
  Other,
}

function isConnector(ch: string): boolean {
  return ch === "-" || ch === "_" || isGoSpace(ch.codePointAt(0)!);
}

function isAlphabet(ch: string): boolean {
  if (!isLetterRune(ch)) return false;
  const r = ch.codePointAt(0)!;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** The next word of `runes` from `start`: its type and where it ends. */
function nextWord(runes: string[], start: number): [Word, number] {
  if (start >= runes.length) return [Word.Invalid, start];
  let end = start + 1;
  const first = runes[start]!;
  const runWhile = (accept: (ch: string) => boolean) => {
    while (end < runes.length && accept(runes[end]!)) end++;
  };
  if (isConnector(first)) {
    runWhile(isConnector);
    return [Word.Connector, end];
  }
  if (isPunctRune(first)) {
    runWhile(isPunctRune);
    return [Word.Punct, end];
  }
  if (isUpperRune(first)) {
    if (end >= runes.length) return [Word.UpperCase, end];
    const next = runes[end]!;
    if (isUpperRune(next)) {
      runWhile(isUpperRune);
      // "HTTPStatus" splits into "HTTP" and "Status".
      if (end < runes.length && isAlphabet(runes[end]!)) end--;
    } else if (isAlphabet(next)) {
      runWhile((ch) => isAlphabet(ch) && !isUpperRune(ch));
    }
    return [Word.UpperCase, end];
  }
  if (isAlphabet(first)) {
    runWhile((ch) => isAlphabet(ch) && !isUpperRune(ch));
    return [Word.Alphabet, end];
  }
  if (isNumberRune(first)) {
    runWhile(isNumberRune);
    return [Word.Number, end];
  }
  runWhile((ch) => !(isConnector(ch) || isAlphabet(ch) || isNumberRune(ch) || isPunctRune(ch)));
  return [Word.Other, end];
}

function lowerWord(out: string[], type: Word, word: string[], connector: string): void {
  if (type !== Word.UpperCase && type !== Word.Connector) {
    out.push(...word);
    return;
  }
  for (const ch of word) out.push(isConnector(ch) ? connector : isUpperRune(ch) ? goToLower(ch) : ch);
}

function camelCaseToLowerCase(text: string, connector: string): string {
  if (text === "") return "";
  const runes = [...text];
  const out: string[] = [];
  let pos = 0;
  let [type, end] = nextWord(runes, pos);
  let word = runes.slice(pos, end);
  pos = end;
  const advance = () => {
    [type, end] = nextWord(runes, pos);
    word = runes.slice(pos, end);
    pos = end;
  };
  const isWordish = (t: Word) => t !== Word.Invalid && t !== Word.Punct && t !== Word.Connector;
  // `advance` changes `type` behind the compiler's back: read it through `cur()` after a call.
  const cur = (): Word => type;
  while (pos < runes.length) {
    if (type !== Word.Connector) lowerWord(out, type, word, connector);
    const prev = type;
    const last = word;
    advance();
    switch (prev) {
      case Word.Number:
        while (cur() === Word.Alphabet || cur() === Word.Number) {
          lowerWord(out, cur(), word, connector);
          advance();
        }
        if (isWordish(cur())) out.push(connector);
        break;
      case Word.Connector:
        lowerWord(out, prev, last, connector);
        break;
      case Word.Punct:
        break;
      default: {
        if (cur() !== Word.Number) {
          if (cur() !== Word.Connector && cur() !== Word.Punct) out.push(connector);
          break;
        }
        if (pos >= runes.length) break;
        const number = word;
        advance();
        // A number is part of the previous word ("Bld4Floor" → "bld4_floor")…
        if (cur() !== Word.Alphabet) {
          lowerWord(out, Word.Number, number, connector);
          if (cur() !== Word.Connector && cur() !== Word.Punct) out.push(connector);
          break;
        }
        // …unless lower-case letters follow it ("HTTP2xx" → "http_2xx").
        out.push(connector);
        lowerWord(out, Word.Number, number, connector);
        while (cur() === Word.Alphabet || cur() === Word.Number) {
          lowerWord(out, cur(), word, connector);
          advance();
        }
        if (cur() !== Word.Invalid && cur() !== Word.Connector && cur() !== Word.Punct) out.push(connector);
      }
    }
  }
  lowerWord(out, type, word, connector);
  return out.join("");
}

export function toSnakeCase(text: string): string {
  return camelCaseToLowerCase(text, "_");
}

export function toKebabCase(text: string): string {
  return camelCaseToLowerCase(text, "-");
}

/** xstrings.ToCamelCase: "some_words" → "SomeWords", "_complex__case_" → "_Complex_Case_". */
export function toCamelCase(text: string): string {
  if (text === "") return "";
  const runes = [...text];
  let out = "";
  let i = 0;
  let r0 = "";
  // Leading connectors stay.
  while (i < runes.length) {
    r0 = runes[i++]!;
    if (!isConnector(r0)) {
      r0 = goToUpper(r0);
      break;
    }
    out += r0;
  }
  if (i >= runes.length) {
    // One rune left (xstrings writes it even when it is a connector already written).
    return out + r0;
  }
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = goToUpper(r0);
    else {
      r0 = goToLower(r0);
      out += r1;
    }
  }
  return out + r0;
}
