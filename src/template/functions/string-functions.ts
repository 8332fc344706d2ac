import type { GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, defineVariadic, fail, int } from "./define.ts";
import { formatValue, strval } from "./format-value.ts";
import { tryParseGoInt } from "./go-cast.ts";
import {
  byteLength,
  byteSlice,
  decodeUtf8,
  goQuote,
  goToLower,
  goToUpper,
  isGoSpace,
  isLowerRune,
  isTitleRune,
  isUpperRune,
  toTitleRune,
  trimGoSpace,
  utf8,
} from "./go-string.ts";
import { isList, listItems, withGoType } from "./go-type.ts";
import { toCamelCase, toKebabCase, toSnakeCase } from "./xstrings-case.ts";

/** sprig's string functions (strings.go and the string entries of functions.go). */
export const stringFunctions: FunctionMap = {
  trim: define(["string"], (s) => trimGoSpace(s)),
  upper: define(["string"], (s) => goToUpper(s)),
  lower: define(["string"], (s) => goToLower(s)),
  title: define(["string"], (s) => goTitle(s)),
  untitle: define(["string"], (s) => uncapitalize(s)),
  substr: define(["int", "int", "string"], (start, end, s) => substring(int(start), int(end), s)),
  repeat: define(["int", "string"], (count, s) => {
    if (count < 0n) fail("strings: negative Repeat count");
    return s.repeat(int(count));
  }),
  trimall: define(["string", "string"], (cutset, s) => goTrim(s, cutset)),
  trimAll: define(["string", "string"], (cutset, s) => goTrim(s, cutset)),
  trimSuffix: define(["string", "string"], (suffix, s) => (suffix && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)),
  trimPrefix: define(["string", "string"], (prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
  nospace: define(["string"], (s) => deleteWhiteSpace(s)),
  initials: define(["string"], (s) => initials(s)),
  swapcase: define(["string"], (s) => swapCase(s)),
  snakecase: define(["string"], (s) => toSnakeCase(s)),
  camelcase: define(["string"], (s) => toCamelCase(s)),
  kebabcase: define(["string"], (s) => toKebabCase(s)),
  wrap: define(["int", "string"], (width, s) => wrapCustom(s, int(width), "", false)),
  wrapWith: define(["int", "string", "string"], (width, sep, s) => wrapCustom(s, int(width), sep, true)),
  contains: define(["string", "string"], (substr, s) => s.includes(substr)),
  hasPrefix: define(["string", "string"], (prefix, s) => s.startsWith(prefix)),
  hasSuffix: define(["string", "string"], (suffix, s) => s.endsWith(suffix)),
  quote: defineVariadic([], "any", (values) =>
    values
      .filter((v) => v !== null && v !== undefined)
      .map((v) => goQuote(strval(v)))
      .join(" "),
  ),
  squote: defineVariadic([], "any", (values) =>
    values
      .filter((v) => v !== null && v !== undefined)
      .map((v) => `'${formatValue(v)}'`)
      .join(" "),
  ),
  cat: defineVariadic([], "any", (values) =>
    values
      .filter((v) => v !== null && v !== undefined)
      .map(formatValue)
      .join(" "),
  ),
  indent: define(["int", "string"], (spaces, s) => indent(int(spaces), s)),
  nindent: define(["int", "string"], (spaces, s) => `\n${indent(int(spaces), s)}`),
  replace: define(["string", "string", "string"], (old, replacement, s) => goReplaceAll(s, old, replacement)),
  plural: define(["string", "string", "int"], (one, many, count) => (count === 1n ? one : many)),
  toString: define(["any"], (v) => strval(v)),
  abbrev: define(["int", "string"], (width, s) => (width < 4n ? s : abbreviateFull(s, 0, int(width)))),
  abbrevboth: define(["int", "int", "string"], (left, right, s) =>
    right < 4n || (left > 0n && right < 7n) ? s : abbreviateFull(s, int(left), int(right)),
  ),
  trunc: define(["int", "string"], (count, s) => trunc(int(count), s)),
  atoi: define(["string"], (s) => {
    if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
    const parsed = tryParseGoInt(s, 10);
    if (typeof parsed === "bigint") return parsed;
    return s.startsWith("-") ? -(1n << 63n) : (1n << 63n) - 1n; // out of range: ParseInt's clamp
  }),
  split: define(["string", "string"], (sep, s) => {
    const result: Record<string, GoValue> = {};
    goSplit(s, sep, -1)!.forEach((part, i) => (result[`_${i}`] = part));
    return withGoType(result, "map[string]string");
  }),
  splitList: define(["string", "string"], (sep, s) => withGoType(goSplit(s, sep, -1)!, "[]string")),
  splitn: define(["string", "int", "string"], (sep, n, s) => {
    const result: Record<string, GoValue> = {};
    (goSplit(s, sep, int(n)) ?? []).forEach((part, i) => (result[`_${i}`] = part));
    return withGoType(result, "map[string]string");
  }),
  toStrings: define(["any"], (v) => toStrings(v)),
  join: define(["string", "any"], (sep, v) => toStrings(v).join(sep)),
};

/** sprig's strslice: a list's non-nil elements through strval; a nil → []; anything else → [strval]. */
export function toStrings(value: GoValue): string[] {
  if (isList(value)) {
    return withGoType(
      listItems(value)
        .filter((v) => v !== null && v !== undefined)
        .map(strval),
      "[]string",
    );
  }
  if (value === null || value === undefined) return withGoType([], "[]string");
  return withGoType([strval(value)], "[]string");
}

/** strings.Title (deprecated in Go, still what sprig's title does). */
function goTitle(s: string): string {
  let prev = " ";
  let out = "";
  for (const ch of s) {
    out += isSeparator(prev) ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const r = ch.codePointAt(0)!;
  if (r <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
  return isGoSpace(r);
}

/** goutils.Uncapitalize: lower-cases the first letter after each space. */
function uncapitalize(s: string): string {
  let next = true;
  let out = "";
  for (const ch of s) {
    if (isGoSpace(ch.codePointAt(0)!)) {
      next = true;
      out += ch;
    } else if (next) {
      out += goToLower(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

/** goutils.SwapCase. */
function swapCase(s: string): string {
  let whitespace = true;
  let out = "";
  for (const ch of s) {
    if (isUpperRune(ch) || isTitleRune(ch)) {
      out += goToLower(ch);
      whitespace = false;
    } else if (isLowerRune(ch)) {
      out += whitespace ? toTitleRune(ch) : goToUpper(ch);
      whitespace = false;
    } else {
      out += ch;
      whitespace = isGoSpace(ch.codePointAt(0)!);
    }
  }
  return out;
}

/** strings.Trim: drops leading and trailing runes found in `cutset`. */
function goTrim(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const cut = new Set(cutset);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start]!)) start++;
  while (end > start && cut.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join("");
}

/** strings.Replace(s, old, new, -1); an empty `old` inserts `new` around every rune. */
export function goReplaceAll(s: string, old: string, replacement: string): string {
  if (old === "") return [...s].reduce((acc, ch) => acc + ch + replacement, replacement);
  return s.split(old).join(replacement);
}

/** strings.SplitN: n < 0 all parts, n == 0 nil, n > 0 at most n; an empty separator splits runes. */
export function goSplit(s: string, sep: string, n: number): string[] | null {
  if (n === 0) return null;
  let parts: string[];
  if (sep === "") {
    const runes = [...s];
    if (n > 0 && runes.length > n) parts = [...runes.slice(0, n - 1), runes.slice(n - 1).join("")];
    else parts = runes;
    return parts;
  }
  parts = s.split(sep);
  if (n > 0 && parts.length > n) parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** goutils.DeleteWhiteSpace works byte by byte: removing anything re-encodes each byte as a rune. */
function deleteWhiteSpace(s: string): string {
  if (s === "") return s;
  const bytes = utf8(s);
  const kept = Array.from(bytes).filter((b) => !isGoSpace(b));
  if (kept.length === bytes.length) return s;
  return kept.map((b) => String.fromCodePoint(b)).join("");
}

/** goutils.Initials, byte by byte (a multi-byte first letter comes out as its first byte's rune). */
function initials(s: string): string {
  if (s === "") return s;
  let out = "";
  let gap = true;
  for (const b of utf8(s)) {
    if (isGoSpace(b)) gap = true;
    else if (gap) {
      out += String.fromCodePoint(b);
      gap = false;
    }
  }
  return out;
}

function indent(spaces: number, s: string): string {
  if (spaces < 0) fail("strings: negative Repeat count");
  const pad = " ".repeat(spaces);
  return pad + s.replaceAll("\n", `\n${pad}`);
}

function sliceBoundsPanic(detail: string): never {
  fail(`runtime error: slice bounds out of range ${detail}`);
}

/** sprig's substring over bytes, with Go's slice-bounds panics. */
function substring(start: number, end: number, s: string): string {
  const length = byteLength(s);
  if (start < 0) {
    if (end < 0) sliceBoundsPanic(`[:${end}]`);
    if (end > length) sliceBoundsPanic(`[:${end}] with length ${length}`);
    return byteSlice(s, 0, end);
  }
  if (end < 0 || end > length) {
    if (start > length) sliceBoundsPanic(`[${start}:${length}]`);
    return byteSlice(s, start);
  }
  if (start > end) sliceBoundsPanic(`[${start}:${end}]`);
  return byteSlice(s, start, end);
}

function trunc(count: number, s: string): string {
  const length = byteLength(s);
  if (count < 0 && length + count > 0) return byteSlice(s, length + count);
  if (count >= 0 && length > count) return byteSlice(s, 0, count);
  return s;
}

/** goutils.AbbreviateFull over bytes; its errors make sprig return "". */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === "") return "";
  if (maxWidth < 4) return "";
  const length = byteLength(s);
  if (length <= maxWidth) return s;
  if (offset > length) offset = length;
  if (length - offset < maxWidth - 3) offset = length - (maxWidth - 3);
  if (offset <= 4) return `${byteSlice(s, 0, maxWidth - 3)}...`;
  if (maxWidth < 7) return "";
  if (offset + maxWidth - 3 < length) return `...${abbreviateFull(byteSlice(s, offset), 0, maxWidth - 3)}`;
  return `...${byteSlice(s, length - (maxWidth - 3))}`;
}

/** goutils.WrapCustom, byte-indexed like the original. */
function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === "") return "";
  if (newLine === "") newLine = "\n";
  if (wrapLength < 1) wrapLength = 1;
  const bytes = utf8(s);
  const text = (from: number, to?: number) => decodeUtf8(bytes.subarray(from, to));
  const length = bytes.length;
  const space = 0x20;
  let offset = 0;
  let out = "";
  while (length - offset > wrapLength) {
    if (bytes[offset] === space) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const window = bytes.subarray(offset, end);
    const spaceToWrapAt = window.lastIndexOf(space) + offset;
    if (spaceToWrapAt >= offset) {
      out += text(offset, spaceToWrapAt) + newLine;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += text(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const from = wrapLength + offset;
      const index = bytes.subarray(from).indexOf(space);
      if (index === -1) {
        out += text(offset);
        offset = length;
      } else {
        out += text(offset, index + from) + newLine;
        offset = index + from + 1;
      }
    }
  }
  return out + text(offset);
}
