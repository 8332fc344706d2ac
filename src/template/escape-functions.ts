import { goSprint } from "./go-sprint.ts";
import type { GoValue } from "./go-value.ts";
import { isPrint } from "./unicode-class.ts";
import { utf8Encode } from "./utf8-bytes.ts";

/**
 * Go's evalArgs for html/js/urlquery: one string argument as is, else fmt.Sprint of the
 * arguments with nil shown as "<no value>".
 */
function evalArgs(args: readonly GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return goSprint(...args.map((arg) => (arg === null || arg === undefined ? "<no value>" : arg)));
}

/** The template builtin `html`: Go's HTMLEscapeString of the arguments. */
export function htmlEscaper(...args: GoValue[]): string {
  return evalArgs(args).replace(/[\0"'&<>]/g, (char) => {
    switch (char) {
      case "\0":
        return "\uFFFD";
      case '"':
        return "&#34;";
      case "'":
        return "&#39;";
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      default:
        return "&gt;";
    }
  });
}

/** The template builtin `js`: Go's JSEscapeString of the arguments. */
export function jsEscaper(...args: GoValue[]): string {
  let out = "";
  for (const char of evalArgs(args)) {
    const rune = char.codePointAt(0)!;
    switch (char) {
      case "\\":
        out += "\\\\";
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case "<":
        out += "\\u003C";
        continue;
      case ">":
        out += "\\u003E";
        continue;
      case "&":
        out += "\\u0026";
        continue;
      case "=":
        out += "\\u003D";
        continue;
    }
    if (rune < 0x20) out += `\\u00${rune.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (rune < 0x80 || isPrint(rune)) out += char;
    else out += `\\u${(rune >= 0xd800 && rune <= 0xdfff ? 0xfffd : rune).toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return out;
}

/** The template builtin `urlquery`: Go's url.QueryEscape of the arguments. */
export function urlQueryEscaper(...args: GoValue[]): string {
  let out = "";
  for (const byte of utf8Encode(evalArgs(args))) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) out += char;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
