import type { FunctionMap } from "../template-function.ts";
import { define, fail, int } from "./define.ts";
import { compileGoRegexp, findAll, mustCompileMessage, quoteMeta, replaceAll, split, type GoRegexp } from "./go-regexp.ts";
import { nilSlice, withGoType } from "./go-type.ts";

/** regexp.MustCompile: panics (fails the template) with Go's message. */
function mustCompile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    fail(mustCompileMessage(pattern, error as Error));
  }
}

/** regexp.Compile for the must* variants: the parse error itself. */
function compile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    fail((error as Error).message);
  }
}

function findAllStrings(re: GoRegexp, s: string, n: bigint): string[] {
  const matches = findAll(re, s, int(n));
  return matches.length === 0 ? nilSlice("[]string") as string[] : withGoType(matches.map((m) => m[0]), "[]string");
}

function splitStrings(re: GoRegexp, s: string, n: bigint): string[] {
  return withGoType(split(re, s, int(n)) ?? (nilSlice("[]string") as string[]), "[]string");
}

function findString(re: GoRegexp, s: string): string {
  return findAll(re, s, 1)[0]?.[0] ?? "";
}

/**
 * sprig's regex.go with Go's RE2 semantics (see go-regexp.ts): the plain variants panic on a bad
 * pattern (regexMatch returns false), the must* variants return the parse error.
 */
export const regexFunctions: FunctionMap = {
  regexMatch: define(["string", "string"], (pattern, s) => {
    try {
      return findAll(compileGoRegexp(pattern), s, 1).length > 0;
    } catch {
      return false;
    }
  }),
  mustRegexMatch: define(["string", "string"], (pattern, s) => findAll(compile(pattern), s, 1).length > 0),
  regexFindAll: define(["string", "string", "int"], (pattern, s, n) => findAllStrings(mustCompile(pattern), s, n)),
  mustRegexFindAll: define(["string", "string", "int"], (pattern, s, n) => findAllStrings(compile(pattern), s, n)),
  regexFind: define(["string", "string"], (pattern, s) => findString(mustCompile(pattern), s)),
  mustRegexFind: define(["string", "string"], (pattern, s) => findString(compile(pattern), s)),
  regexReplaceAll: define(["string", "string", "string"], (pattern, s, repl) => replaceAll(mustCompile(pattern), s, repl, false)),
  mustRegexReplaceAll: define(["string", "string", "string"], (pattern, s, repl) => replaceAll(compile(pattern), s, repl, false)),
  regexReplaceAllLiteral: define(["string", "string", "string"], (pattern, s, repl) =>
    replaceAll(mustCompile(pattern), s, repl, true),
  ),
  mustRegexReplaceAllLiteral: define(["string", "string", "string"], (pattern, s, repl) =>
    replaceAll(compile(pattern), s, repl, true),
  ),
  regexSplit: define(["string", "string", "int"], (pattern, s, n) => splitStrings(mustCompile(pattern), s, n)),
  mustRegexSplit: define(["string", "string", "int"], (pattern, s, n) => splitStrings(compile(pattern), s, n)),
  regexQuoteMeta: define(["string"], (s) => quoteMeta(s)),
};
