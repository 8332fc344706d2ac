import type { FunctionMap } from "../template-function.ts";
import { define } from "./define.ts";

/**
 * sprig's env and expandenv over an injected environment (the template package reads no process
 * state). Helm removes both from its function map; lade's Helm rendering does the same.
 */
export function envFunctions(env: Readonly<Record<string, string>> = {}): FunctionMap {
  const lookup = (name: string) => env[name] ?? "";
  return {
    env: define(["string"], (name) => lookup(name)),
    expandenv: define(["string"], (s) => expandEnv(s, lookup)),
  };
}

/** os.Expand: $NAME and ${NAME}; a lone or invalid `$` is kept or eaten like Go does. */
export function expandEnv(s: string, mapping: (name: string) => string): string {
  let out = "";
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === "$" && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, width] = shellName(s.slice(j + 1));
      if (name === "" && width > 0) {
        // invalid syntax: eaten
      } else if (name === "") out += "$";
      else out += mapping(name);
      j += width;
      i = j + 1;
    }
  }
  return i === 0 ? s : out + s.slice(i);
}

function isSpecial(ch: string | undefined): boolean {
  return ch !== undefined && "*#$@!?-0123456789".includes(ch);
}

function shellName(s: string): [string, number] {
  if (s[0] === "{") {
    if (s.length > 2 && isSpecial(s[1]) && s[2] === "}") return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === "}") return i === 1 ? ["", 2] : [s.slice(1, i), i + 1];
    }
    return ["", 1];
  }
  if (isSpecial(s[0])) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && /[A-Za-z0-9_]/.test(s[i]!)) i++;
  return [s.slice(0, i), i];
}
