/**
 * Go's `path/filepath.Match` for "/"-separated paths: `*` and `?` stop at "/", `[a-z]` and
 * `[^a-z]` are classes, `\` escapes. A malformed pattern matches nothing (Helm ignores the error).
 */
export function matchPathPattern(pattern: string, name: string): boolean {
  return compile(pattern, PATH_CACHE, pathPatternSource)?.test(name) ?? false;
}

/**
 * gobwas/glob with "/" as separator, as `.Files.Glob` uses it: `**` crosses "/", `*` and `?` do
 * not, `[a-z]`/`[!a-z]` classes, `{a,b}` alternatives, `\` escapes. A pattern that cannot be
 * compiled matches everything (Helm falls back to `**`).
 */
export function matchFilesGlob(pattern: string, name: string): boolean {
  const regex = compile(pattern, GLOB_CACHE, globSource);
  return regex ? regex.test(name) : true;
}

const PATH_CACHE = new Map<string, RegExp | null>();
const GLOB_CACHE = new Map<string, RegExp | null>();

function compile(pattern: string, cache: Map<string, RegExp | null>, toSource: (pattern: string) => string | undefined): RegExp | null {
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const source = toSource(pattern);
    regex = source === undefined ? null : new RegExp(`^(?:${source})$`, "su");
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex;
}

function escapeChar(char: string, inClass = false): string {
  if (/[\\^$.*+?()[\]{}|/]/.test(char)) return `\\${char}`;
  return inClass && char === "-" ? "\\-" : char;
}

function pathPatternSource(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let out = "";
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index]!;
    if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else if (char === "\\") {
      const next = chars[++index];
      if (next === undefined) return undefined;
      out += escapeChar(next);
    } else if (char === "[") {
      const parsed = parseClass(chars, index + 1, "^");
      if (!parsed) return undefined;
      out += parsed.source;
      index = parsed.end;
    } else out += escapeChar(char);
  }
  return out;
}

/** A character class starting after "[": returns the regex source and the index of "]". */
function parseClass(chars: readonly string[], start: number, negation: string): { source: string; end: number } | undefined {
  let index = start;
  let negated = false;
  if (chars[index] === negation) {
    negated = true;
    index++;
  }
  let body = "";
  let first = true;
  for (;;) {
    let char = chars[index];
    if (char === undefined) return undefined;
    if (char === "]" && !first) break;
    first = false;
    if (char === "\\") {
      char = chars[++index];
      if (char === undefined) return undefined;
    }
    let low = char;
    index++;
    if (chars[index] === "-" && chars[index + 1] !== undefined && chars[index + 1] !== "]") {
      let high = chars[index + 1]!;
      index += 2;
      if (high === "\\") {
        high = chars[index++]!;
        if (high === undefined) return undefined;
      }
      if (high < low) return undefined;
      body += `${escapeChar(low, true)}-${escapeChar(high, true)}`;
    } else {
      body += escapeChar(low, true);
    }
  }
  if (body === "") return undefined;
  return { source: negated ? `[^${body}]` : `[${body}]`, end: index };
}

function globSource(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let index = 0;
  const parse = (inBraces: boolean): string | undefined => {
    let out = "";
    while (index < chars.length) {
      const char = chars[index]!;
      if (inBraces && (char === "," || char === "}")) return out;
      index++;
      if (char === "*") {
        if (chars[index] === "*") {
          index++;
          out += ".*";
        } else out += "[^/]*";
      } else if (char === "?") out += "[^/]";
      else if (char === "\\") {
        const next = chars[index++];
        if (next === undefined) return undefined;
        out += escapeChar(next);
      } else if (char === "[") {
        const parsed = parseClass(chars, index, "!");
        if (!parsed) return undefined;
        out += parsed.source;
        index = parsed.end + 1;
      } else if (char === "{") {
        const alternatives: string[] = [];
        for (;;) {
          const alternative = parse(true);
          if (alternative === undefined) return undefined;
          alternatives.push(alternative);
          const stop = chars[index++];
          if (stop === "}") break;
          if (stop !== ",") return undefined;
        }
        out += `(?:${alternatives.join("|")})`;
      } else if (char === "}" || char === ",") {
        out += escapeChar(char);
      } else out += escapeChar(char);
    }
    return inBraces ? undefined : out;
  };
  return parse(false);
}
