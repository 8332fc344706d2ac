import { describe, expect, test } from "bun:test";
import { compileGoRegexp, expand, findAll, quoteMeta, replaceAll, split } from "../../../src/template/functions/go-regexp.ts";

const find = (pattern: string, s: string, n = -1) => findAll(compileGoRegexp(pattern), s, n).map((m) => m[0]);

describe("compileGoRegexp()", () => {
  test.each([
    ["(?i)abc", "xABCx", ["ABC"]],
    ["a(?i)b|c", "aB C ab", ["aB", "C", "ab"]],
    ["(?s)a.b", "a\nb", ["a\nb"]],
    ["a.b", "a\nb a\rb", ["a\rb"]],
    ["(?m)^x$", "x\nx", ["x", "x"]],
    ["^x$", "x\nx", []],
    ["x\\z", "x\n", []],
    ["\\Ax", "xx", ["x"]],
    ["(?U)a+", "aaa", ["a", "a", "a"]],
    ["(?U)a+?", "aaa", ["aaa"]],
    ["\\s+", "a \t\u00a0b", [" \t"]],
    ["[[:upper:]]+", "abCDe", ["CD"]],
    ["[[:^alpha:]]+", "ab12", ["12"]],
    ["\\pL+", "é1", ["é"]],
    ["\\p{Greek}", "aβ", ["β"]],
    ["\\PN+", "a1b", ["a", "b"]],
    ["\\Q.*+\\E", "a.*+", [".*+"]],
    ["\\x41\\x{42}\\103", "ABC", ["ABC"]],
    ["a{", "a{", ["a{"]],
    ["a{,2}", "a{,2}", ["a{,2}"]],
    ["^*a", "a", ["a"]],
    ["(?P<word>\\w+)", "hi there", ["hi", "there"]],
    ["[\\d-]+", "1-2 x", ["1-2"]],
    ["[^\\s]+", "a b", ["a", "b"]],
    ["a*", "baaac", ["", "aaa", ""]],
  ])("%p finds in %p: %p", (pattern, input, want) => {
    expect(find(pattern, input)).toEqual(want);
  });

  test.each([
    ["(", "error parsing regexp: missing closing ): `(`"],
    ["a)", "error parsing regexp: unexpected ): `a)`"],
    ["[a", "error parsing regexp: missing closing ]: `[a`"],
    ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
    ["a+*?", "error parsing regexp: invalid nested repetition operator: `+*?`"],
    ["*", "error parsing regexp: missing argument to repetition operator: `*`"],
    ["x{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
    ["x{3,2}", "error parsing regexp: invalid repeat count: `{3,2}`"],
    ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
    ["\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
    ["\\e", "error parsing regexp: invalid escape sequence: `\\e`"],
    ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
    ["(?<n>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"],
    ["(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"],
    ["\\p{Nope}", "error parsing regexp: invalid character class range: `\\p{Nope}`"],
    ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
  ])("rejects %p like Go", (pattern, message) => {
    expect(() => compileGoRegexp(pattern)).toThrow(message);
  });
});

describe("replaceAll() and expand()", () => {
  test.each([
    ["a(x*)b", "-ab-axxb-", "${1}W", "-W-xxW-"],
    ["a(x*)b", "-ab-axxb-", "$1W", "---"],
    ["(?P<k>\\w+)=(?P<v>\\w+)", "a=1 b=2", "$v:$k", "1:a 2:b"],
    ["a", "aa", "$$", "$$"],
    ["(a)", "a", "${9}|$x|${1}", "||a"],
    ["a*", "baaac", "X", "XbXcX"],
    ["", "abc", "-", "-a-b-c-"],
  ])("%p in %p with %p", (pattern, input, template, want) => {
    expect(replaceAll(compileGoRegexp(pattern), input, template, false)).toBe(want);
  });

  test("literal replacement keeps $", () => {
    expect(replaceAll(compileGoRegexp("b"), "abc", "$1", true)).toBe("a$1c");
  });

  test("expand() of a missing group is empty", () => {
    const re = compileGoRegexp("(a)(b)?");
    const m = findAll(re, "a", 1)[0]!;
    expect(expand(re, "[$1][$2][$3]", m)).toBe("[a][][]");
  });
});

describe("split() and quoteMeta()", () => {
  test.each([
    ["z+", "pizza", -1, ["pi", "a"]],
    ["z+", "pizza", 1, ["pizza"]],
    ["", "abc", -1, ["a", "b", "c"]],
    ["a*", "baaac", -1, ["b", "c"]],
    [",", "", -1, [""]],
  ] as const)("split(%p, %p, %p)", (pattern, input, n, want) => {
    expect(split(compileGoRegexp(pattern), input, n)).toEqual([...want]);
  });

  test("split() with n = 0 is nil", () => {
    expect(split(compileGoRegexp("a"), "a", 0)).toBeNull();
  });

  test("quoteMeta() escapes RE2 metacharacters", () => {
    expect(quoteMeta("1.2+3*[x]{y}(z)|^$\\?")).toBe("1\\.2\\+3\\*\\[x\\]\\{y\\}\\(z\\)\\|\\^\\$\\\\\\?");
  });
});
