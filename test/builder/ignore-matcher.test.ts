import { describe, expect, test } from "bun:test";
import { createIgnoreMatcher, parseIgnoreFile } from "../../src/builder/ignore-matcher.ts";
import { UserInputError } from "../../src/util/source-location.ts";

function excludes(ignoreFile: string, path: string): boolean {
  return createIgnoreMatcher(parseIgnoreFile(ignoreFile)).excludes(path);
}

describe("IgnoreMatcher.excludes()", () => {
  test.each([
    // literal names, and everything below a matching directory
    ["foo", "foo", true],
    ["foo", "foo/bar/baz.txt", true],
    ["foo", "foobar", false],
    ["foo", "a/foo", false],
    ["a/b", "a/b/c", true],
    ["a/b", "a", false],
    // "*" and "?" stop at "/"
    ["*.md", "README.md", true],
    ["*.md", "docs/guide.md", false],
    ["*/*.md", "docs/guide.md", true],
    ["*/*.md", "a/b/c.md", false],
    ["a/*/c", "a/b/c/d", true],
    ["a/*/c", "a/b/x/c", false],
    ["?.txt", "a.txt", true],
    ["?.txt", "ab.txt", false],
    ["caf?", "café", true],
    ["*", "anything/at/all", true],
    // "**" spans directories
    ["**", "a/b/c", true],
    ["**/*.md", "a.md", true],
    ["**/*.md", "a/b/c.md", true],
    ["**/*.md", "a/b/c.txt", false],
    ["**/foo", "foo", true],
    ["**/foo", "a/b/foo", true],
    ["**/foo", "a/xfoo", false],
    ["foo/**", "foo", false],
    ["foo/**", "foo/x/y", true],
    ["foo/**/bar", "foo/bar", true],
    ["foo/**/bar", "foo/a/b/bar/baz", true],
    ["foo/**/bar", "foo/a/xbar", false],
    ["a**/*.txt", "a/dir/dir/file.txt", true],
    ["**/dir2/*", "dir/dir2/file", true],
    // docker's literal shortcuts around "**"
    ["**foo", "a/xfoo", true],
    ["**.go", "cmd/main.go", true],
    ["**.go", "main.gox", false],
    ["foo**", "foobar/x", true],
    ["foo**", "fo", false],
    // character classes (Go's filepath.Match grammar: "^" negates, "!" is a member)
    ["[abc].txt", "b.txt", true],
    ["[abc].txt", "d.txt", false],
    ["file[0-9]", "file7", true],
    ["file[0-9]", "filex", false],
    ["[a-cx-z]q", "yq", true],
    ["[^a]x", "bx", true],
    ["[^a]x", "ax", false],
    ["[!a]x", "!x", true],
    ["[!a]x", "bx", false],
    ["[\\]]", "]", true],
    ["[*]", "*", true],
    ["[*]", "a", false],
    ["a[^x]b", "a/b", true],
    // escapes
    ["\\*.txt", "*.txt", true],
    ["\\*.txt", "a.txt", false],
    ["a\\?b", "a?b", true],
    ["a\\?b", "axb", false],
    ["a\\\\", "a\\", true],
    ["\\d", "d", true],
    // regexp characters are literal
    ["a+b(c).txt", "a+b(c).txt", true],
    ["a+b(c).txt", "aab(c).txt", false],
    ["a.|)$(}+{bc", "a.|)$(}+{bc", true],
    ["abc.def", "abcZdef", false],
    // cleaning of patterns and paths
    ["/foo", "foo", true],
    ["./foo/../bar/", "bar/x", true],
    ["./foo/../bar/", "foo", false],
    ["a//b", "a/b", true],
    ["*/", "x", true],
    ["../foo", "foo", false],
    ["foo", "./foo/", true],
    ["foo", "/foo/x", true],
    ["*", ".", false],
    ["**", "", false],
    // comments, blank lines, spaces, CRLF, BOM
    ["# foo\nfoo2", "# foo", false],
    ["# foo\nfoo2", "foo2", true],
    [" # not a comment", "# not a comment", true],
    ["\n  foo \t\n\n", "foo", true],
    ["foo\r\nbar\r\n", "bar", true],
    ["\uFEFFfoo", "foo", true],
    ["\uFEFF# comment", "# comment", false],
    // exceptions: the last matching rule wins
    ["*.md\n!README.md", "README.md", false],
    ["*.md\n!README.md", "CHANGES.md", true],
    ["!README.md\n*.md", "README.md", true],
    ["foo\n!foo/keep", "foo", true],
    ["foo\n!foo/keep", "foo/keep", false],
    ["foo\n!foo/keep", "foo/keep/x", false],
    ["foo\n!foo/keep", "foo/other", true],
    ["foo\n!foo/keep\nfoo/keep/secret", "foo/keep/secret/x", true],
    ["foo\n!foo/keep\nfoo/keep/secret", "foo/keep/public", false],
    ["*\n!src", "src/a/b.ts", false],
    ["*\n!src", "docs", true],
    ["*\n!*.go", "dir/a.go", true],
    ["*\n!**/*.go", "dir/a.go", false],
    ["*\n!**/*.go", "dir/a.txt", true],
    ["**/node_modules\n!keep/node_modules", "a/node_modules/x", true],
    ["**/node_modules\n!keep/node_modules", "keep/node_modules/x", false],
    ["*\n!  spaced ", "spaced", false],
    ["**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", true],
    ["**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/bar", false],
  ])("%p excludes %p: %p", (ignoreFile, path, expected) => {
    expect(excludes(ignoreFile, path)).toBe(expected);
  });

  test("excludes nothing without rules", () => {
    expect(createIgnoreMatcher([]).excludes("a/b")).toBe(false);
  });

  test("uses rules written by hand as given", () => {
    const matcher = createIgnoreMatcher([
      { pattern: "build", exception: false, line: 0 },
      { pattern: "build/keep", exception: true, line: 0 },
      { pattern: "", exception: false, line: 0 },
    ]);
    expect(matcher.excludes("build/out")).toBe(true);
    expect(matcher.excludes("build/keep")).toBe(false);
  });
});

describe("IgnoreMatcher.mayIncludeBelow()", () => {
  test.each([
    ["foo", "foo", false],
    ["foo", "bar", true],
    ["foo\n!foo/keep", "foo", true],
    ["*\n!foo/keep", "bar", false],
    ["*\n!foo/keep", "foo", true],
    ["*\n!foo/keep/**", "foo/keep", true],
    ["*\n!foo/keep/*", "foo", true],
    ["*\n!foo/keep", "foo/other", false],
    ["*\n!foobar", "foo", false],
    ["*\n!**/*.go", "vendor", true],
    ["*\n![a]", "vendor", true],
    ["foo\n!bar", "foo", false],
  ])("%p in %p: %p", (ignoreFile, directory, expected) => {
    expect(createIgnoreMatcher(parseIgnoreFile(ignoreFile)).mayIncludeBelow(directory)).toBe(expected);
  });

  test("is true for the context root", () => {
    expect(createIgnoreMatcher(parseIgnoreFile("*")).mayIncludeBelow(".")).toBe(true);
  });
});

describe("parseIgnoreFile()", () => {
  test("reads cleaned patterns, exceptions and line numbers", () => {
    const text = "# build output\n/dist/\n\n  !dist/keep.txt  \n  # indented is a pattern\n";
    expect(parseIgnoreFile(text)).toEqual([
      { pattern: "dist", exception: false, line: 2 },
      { pattern: "dist/keep.txt", exception: true, line: 4 },
      { pattern: "# indented is a pattern", exception: false, line: 5 },
    ]);
  });

  test("follows docker's second cleaning: a lone slash, double and late exclamation marks", () => {
    expect(parseIgnoreFile("/\n!!x\n/!y\n/ //\n!/ z")).toEqual([
      { pattern: "/", exception: false, line: 1 },
      { pattern: "!x", exception: true, line: 2 },
      { pattern: "y", exception: true, line: 3 },
      { pattern: " z", exception: true, line: 5 },
    ]);
  });

  test.each([
    ["[", 'Cannot parse ignore pattern "[": the character class is not closed with "]"'],
    ["[a", 'the character class is not closed with "]"'],
    ["[^", 'the character class is not closed with "]"'],
    ["[]", '"]" must be escaped as "\\]"'],
    ["[]a]", '"]" must be escaped as "\\]"'],
    ["[-a]", '"-" must be escaped as "\\-"'],
    ["[a-]", '"]" must be escaped as "\\]"'],
    ["[z-a]", 'the character range "z-a" is out of order'],
    ["foo\\", 'a trailing "\\" escapes nothing'],
    ["!", '"!" must be followed by a pattern'],
    ["! ", '"!" must be followed by a pattern'],
    ["!/", '"!" must be followed by a pattern'],
    ["/!", '"!" must be followed by a pattern'],
  ])("rejects %p", (line, message) => {
    expect(() => parseIgnoreFile(`ok\n${line}`)).toThrow(UserInputError);
    expect(() => parseIgnoreFile(`ok\n${line}`)).toThrow(message);
    expect(() => parseIgnoreFile(`ok\n${line}`)).toThrow(".kubeignore:2:1: Cannot parse ignore pattern");
  });

  test("points at the pattern's column in the named file", () => {
    let caught: unknown;
    try {
      parseIgnoreFile("a\n\n   b[", { file: "ctx/.kubeignore" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SyntaxError);
    expect((caught as UserInputError).location).toEqual({ file: "ctx/.kubeignore", line: 3, column: 4 });
    expect((caught as Error).message).toBe('ctx/.kubeignore:3:4: Cannot parse ignore pattern "b[": the character class is not closed with "]"');
  });
});

describe("createIgnoreMatcher()", () => {
  test("rejects an invalid hand-written pattern with a SyntaxError", () => {
    expect(() => createIgnoreMatcher([{ pattern: "a[", exception: false, line: 0 }])).toThrow(SyntaxError);
  });
});
