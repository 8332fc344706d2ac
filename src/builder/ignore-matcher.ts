/**
 * `.kubeignore`: which build-context paths COPY leaves out, with docker's `.dockerignore` rules
 * (moby/patternmatcher `ignorefile.ReadAll` + `MatchesOrParentMatches`, and BuildKit's walker).
 *
 * A walk over the context uses the matcher like this:
 *
 * ```ts
 * const matcher = createIgnoreMatcher(parseIgnoreFile(text));
 * // for each entry, parents first, paths relative to the context with "/":
 * if (isDirectory && matcher.excludes(path) && !matcher.mayIncludeBelow(path)) skipSubtree();
 * else if (!matcher.excludes(path)) keep(path); // an excluded directory that is entered is only kept as a parent
 * ```
 */
import { UserInputError } from "../util/source-location.ts";
import { compileIgnorePattern, type IgnorePatternTest } from "./compile-ignore-pattern.ts";

/** One pattern line of an ignore file. */
export interface IgnoreRule {
  /** The pattern as docker cleans it: trimmed, `filepath.Clean`ed, leading "/" dropped, without "!". */
  readonly pattern: string;
  /** A `!` line: paths it matches are kept again, unless a later rule excludes them once more. */
  readonly exception: boolean;
  /** 1-based line in the ignore file. */
  readonly line: number;
}

export interface ParseIgnoreFileOptions {
  /** Name used in error locations; default ".kubeignore". */
  readonly file?: string;
}

/** Answers for one set of rules; both methods take context-relative paths with "/" separators. */
export interface IgnoreMatcher {
  /** Whether the path is left out: the last rule that matches it or one of its parent directories wins. */
  excludes(relativePath: string): boolean;
  /**
   * Whether a walk must enter this directory: true when it is not excluded, or when an exception
   * may re-include something below it (BuildKit's rule: any exception with wildcards, or a literal
   * exception inside this directory). False means the whole subtree can be skipped.
   */
  mayIncludeBelow(relativeDirectory: string): boolean;
}

/** Go's unicode.IsSpace, which strings.TrimSpace uses (no U+FEFF, unlike JavaScript's \s). */
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const LEADING_SPACE = new RegExp(`^${GO_SPACE}+`);
const TRAILING_SPACE = new RegExp(`${GO_SPACE}+$`);
/** BuildKit walks every excluded directory when an exception contains one of these. */
const WILDCARD = /[*[\]?^\\]/;

/**
 * Read an ignore file the way docker does: a UTF-8 BOM is dropped, lines that start with "#"
 * (in the first column) are comments, the rest is trimmed and blank lines are skipped, a leading
 * "!" marks an exception, and patterns are cleaned like Go's `filepath.Clean` with any leading
 * "/" dropped, so "/a/./b/" is "a/b".
 *
 * @throws {UserInputError} (a SyntaxError) at `file:line:column` for a pattern that cannot be
 * compiled, or for "!" with no pattern
 * @example parseIgnoreFile("# docs\n*.md\n!README.md") // [{pattern: "*.md", exception: false, line: 2}, {pattern: "README.md", exception: true, line: 3}]
 */
export function parseIgnoreFile(text: string, options: ParseIgnoreFileOptions = {}): IgnoreRule[] {
  const file = options.file ?? ".kubeignore";
  const rules: IgnoreRule[] = [];
  const lines = text.split("\n");
  for (const [index, rawLine] of lines.entries()) {
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (index === 0 && line.startsWith("\uFEFF")) line = line.slice(1);
    if (line.startsWith("#")) continue;
    const written = trimSpace(line);
    if (written === "") continue;
    const location = { file, line: index + 1, column: line.length - line.replace(LEADING_SPACE, "").length + 1 };
    // ignorefile.ReadAll: the text after a "!" is trimmed and cleaned on its own.
    const inverted = written.startsWith("!");
    const cleaned = cleanPattern(inverted ? trimSpace(written.slice(1)) : written);
    // patternmatcher.New then trims and cleans the whole line again and only now looks for "!",
    // so "/!x" is an exception for "x", "!/" is a bare "!", and "/ " is no pattern at all.
    const entry = trimSpace(inverted ? `!${cleaned}` : cleaned);
    if (entry === "") continue;
    const final = cleanPath(entry);
    const exception = final.startsWith("!");
    const pattern = exception ? final.slice(1) : final;
    if (exception && pattern === "") {
      throw new UserInputError(location, `Cannot parse ignore pattern ${JSON.stringify(written)}: "!" must be followed by a pattern`);
    }
    try {
      compileIgnorePattern(pattern);
    } catch (error) {
      throw new UserInputError(location, (error as Error).message, { cause: error });
    }
    rules.push({ pattern, exception, line: index + 1 });
  }
  return rules;
}

/**
 * Build the matcher for a list of rules, in file order, as `parseIgnoreFile()` returns them.
 * Patterns are used as given (write rules by hand already cleaned); empty ones are skipped.
 *
 * @throws {SyntaxError} for a pattern that cannot be compiled
 * @example createIgnoreMatcher(parseIgnoreFile("docs\n!docs/keep")).excludes("docs/a.md") // true
 */
export function createIgnoreMatcher(rules: readonly IgnoreRule[]): IgnoreMatcher {
  const compiled: { readonly exception: boolean; readonly test: IgnorePatternTest }[] = [];
  const exceptionPrefixes: string[] = [];
  let walkAllExcluded = false;
  for (const rule of rules) {
    const pattern = rule.pattern;
    if (pattern === "") continue;
    compiled.push({ exception: rule.exception, test: compileIgnorePattern(pattern) });
    if (!rule.exception) continue;
    const prefix = withoutTrailingGlob(pattern);
    if (WILDCARD.test(prefix)) walkAllExcluded = true;
    exceptionPrefixes.push(`${prefix}/`);
  }

  function excludes(relativePath: string): boolean {
    const path = cleanRelativePath(relativePath);
    if (path === ".") return false;
    const parents = parentDirectories(path);
    let excluded = false;
    for (const rule of compiled) {
      // An exclusion cannot change an excluded path, nor an exception one that is kept.
      if (rule.exception !== excluded) continue;
      if (rule.test(path) || parents.some(rule.test)) excluded = !rule.exception;
    }
    return excluded;
  }

  function mayIncludeBelow(relativeDirectory: string): boolean {
    if (!excludes(relativeDirectory)) return true;
    if (walkAllExcluded) return true;
    const directory = `${cleanRelativePath(relativeDirectory)}/`;
    return exceptionPrefixes.some((prefix) => prefix.startsWith(directory));
  }

  return { excludes, mayIncludeBelow };
}

/** "a/b/c" → ["a", "a/b"]. */
function parentDirectories(path: string): string[] {
  const parents: string[] = [];
  for (let slash = path.indexOf("/"); slash !== -1; slash = path.indexOf("/", slash + 1)) {
    parents.push(path.slice(0, slash));
  }
  return parents;
}

/** BuildKit's patternWithoutTrailingGlob: "a/b/**" and "a/b/*" only reach inside "a/b". */
function withoutTrailingGlob(pattern: string): string {
  const trimmed = pattern.endsWith("/**") ? pattern.slice(0, -3) : pattern;
  return trimmed.endsWith("/*") ? trimmed.slice(0, -2) : trimmed;
}

function trimSpace(text: string): string {
  return text.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
}

/** Clean, then drop a leading "/" (but keep a lone "/"), as ignorefile.ReadAll does. */
function cleanPattern(pattern: string): string {
  if (pattern === "") return "";
  const cleaned = cleanPath(pattern);
  return cleaned.length > 1 && cleaned.startsWith("/") ? cleaned.slice(1) : cleaned;
}

/** A path to test, relative to the context root: "./a/b/", "/a/b" and "a//b" are all "a/b"; the root is ".". */
function cleanRelativePath(path: string): string {
  const cleaned = cleanPath(path);
  if (cleaned === "/") return ".";
  return cleaned.startsWith("/") ? cleaned.slice(1) : cleaned;
}

/** Go's path.Clean: no "." or empty elements, ".." resolved lexically, no trailing "/". */
function cleanPath(path: string): string {
  const rooted = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else if (!rooted) parts.push("..");
  }
  const joined = parts.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}
