/**
 * One `.dockerignore` pattern turned into a test on a single slash-separated path, with the
 * semantics of docker's patternmatcher (moby/patternmatcher, used by BuildKit):
 *
 * - `*` matches any run of characters except `/`, `?` one character except `/`.
 * - `**` matches any number of directories, none included; a `/` right after it belongs to it,
 *   so a pattern "**", "/", "x" means "x at any depth". At the very end it matches everything.
 * - `[...]` is a character class with ranges (`a-z`), negated by a leading `^` (Go's
 *   filepath.Match grammar: `!` is an ordinary member, `-` and `]` must be escaped), and may match `/`.
 * - `\` makes the next character literal.
 *
 * Two of docker's shortcuts are kept because they change results: a pattern that is only literal
 * text after a leading `**` matches every path ending in that text (`**.go` matches `a/b.go`, and
 * `**foo` matches `xfoo`), and one that is literal text before a trailing `**` matches every path
 * starting with it (`foo**` matches `foobar`).
 *
 * Where docker passes text straight into a Go regexp, lade follows filepath.Match instead:
 * `\d` is the letter "d" (docker: a digit), `[*]` is a literal star, and `|`, `{`, `}` are
 * literal (docker's escape table misses them, so in a wildcard pattern `|` splits the regexp).
 *
 * This is only the single-path test; parent directories and `!` exceptions are the business
 * of `createIgnoreMatcher()`.
 */

/** Whether one path (slash-separated, relative, clean) matches one pattern. */
export type IgnorePatternTest = (path: string) => boolean;

type MatchKind = "exact" | "prefix" | "suffix" | "regexp";

/** Go's regexp `.` matches anything but a newline, unlike JavaScript's. */
const ANY_RUN = "[^\\n]*";

/**
 * Compile a cleaned pattern (no leading "!", see `parseIgnoreFile()`) into a path test.
 *
 * @throws {SyntaxError} "Cannot parse ignore pattern "[a": the character class is not closed with "]""
 * @example compileIgnorePattern("**\/*.md")("docs/guide.md") // true
 */
export function compileIgnorePattern(pattern: string): IgnorePatternTest {
  const chars = Array.from(pattern);
  let source = "";
  let kind: MatchKind = "exact";
  let index = 0;
  for (let step = 0; index < chars.length; step++) {
    const char = chars[index++] as string;
    if (char === "*" && chars[index] === "*") {
      index++;
      if (chars[index] === "/") index++;
      if (index < chars.length) {
        source += `(?:${ANY_RUN}/)?`;
        kind = "regexp";
      } else if (kind === "exact") {
        kind = "prefix";
      } else {
        source += ANY_RUN;
        kind = "regexp";
      }
      if (step === 0) kind = "suffix";
    } else if (char === "*") {
      source += "[^/]*";
      kind = "regexp";
    } else if (char === "?") {
      source += "[^/]";
      kind = "regexp";
    } else if (char === "\\") {
      const escaped = chars[index++];
      if (escaped === undefined) fail(pattern, 'a trailing "\\" escapes nothing');
      source += literal(escaped);
      kind = "regexp";
    } else if (char === "[") {
      const [classSource, next] = characterClass(pattern, chars, index);
      source += classSource;
      index = next;
      kind = "regexp";
    } else {
      source += literal(char);
      if (char === "]") kind = "regexp";
    }
  }
  return testFor(kind, pattern, source);
}

function testFor(kind: MatchKind, pattern: string, source: string): IgnorePatternTest {
  switch (kind) {
    case "exact":
      return (path) => path === pattern;
    case "prefix": {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case "suffix": {
      const suffix = pattern.slice(2);
      const whole = suffix.startsWith("/") ? suffix.slice(1) : undefined;
      return (path) => path.endsWith(suffix) || path === whole;
    }
    case "regexp": {
      const expression = new RegExp(`^${source}$`, "u");
      return (path) => expression.test(path);
    }
  }
}

/** Parse a class after its "[" with Go's filepath.Match grammar; returns the regexp and the next index. */
function characterClass(pattern: string, chars: readonly string[], start: number): [string, number] {
  let index = start;
  let negated = false;
  if (chars[index] === "^") {
    negated = true;
    index++;
  }
  let members = "";
  for (let count = 0; ; count++) {
    if (chars[index] === "]" && count > 0) return [`[${negated ? "^" : ""}${members}]`, index + 1];
    const [low, afterLow] = classCharacter(pattern, chars, index);
    let high = low;
    index = afterLow;
    if (chars[index] === "-") [high, index] = classCharacter(pattern, chars, index + 1);
    if ((low.codePointAt(0) ?? 0) > (high.codePointAt(0) ?? 0)) {
      fail(pattern, `the character range "${low}-${high}" is out of order`);
    }
    members += low === high ? codePoint(low) : `${codePoint(low)}-${codePoint(high)}`;
  }
}

/** Go's getEsc: one class member, possibly escaped, which must not end the pattern. */
function classCharacter(pattern: string, chars: readonly string[], start: number): [string, number] {
  let index = start;
  let char = chars[index];
  if (char === "-" || char === "]") {
    fail(pattern, `"${char}" must be escaped as "\\${char}" at this place in a character class`);
  }
  if (char === "\\") char = chars[++index];
  if (char === undefined || index + 1 >= chars.length) fail(pattern, 'the character class is not closed with "]"');
  return [char, index + 1];
}

function literal(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

function codePoint(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}

function fail(pattern: string, reason: string): never {
  throw new SyntaxError(`Cannot parse ignore pattern ${JSON.stringify(pattern)}: ${reason}`);
}
