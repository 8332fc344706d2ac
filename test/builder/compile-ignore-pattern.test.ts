import { describe, expect, test } from "bun:test";
import { compileIgnorePattern } from "../../src/builder/compile-ignore-pattern.ts";

describe("compileIgnorePattern()", () => {
  test.each([
    // literal text compares the whole path (parents are the matcher's business)
    ["a.b", "a.b", true],
    ["a.b", "a.b/c", false],
    ["a.b", "axb", false],
    // docker's literal shortcuts: text before a trailing "**", after a leading "**"
    ["foo**", "foobar", true],
    ["foo/**", "foo", false],
    ["foo/**", "foo/a/b", true],
    ["**", "", true],
    ["**foo", "xfoo", true],
    ["**/foo", "foo", true],
    ["**/foo", "xfoo", false],
    // wildcards
    ["a*", "abc", true],
    ["a*", "ab/c", false],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a/**/b", "a/xb", false],
    ["a**", "ab/c", true],
    ["*.go**", "x.go/y", true],
    ["?", "é", true],
    ["?", "/", false],
    // classes and escapes
    ["[a-c]", "b", true],
    ["[^a-c]", "d", true],
    ["[^a-c]", "/", true],
    ["[\\-]", "-", true],
    ["[é-ë]", "ê", true],
    ["\\[x]", "[x]", true],
    ["x]", "x]", true],
  ])("%p on %p: %p", (pattern, path, expected) => {
    expect(compileIgnorePattern(pattern)(path)).toBe(expected);
  });

  test("rejects a broken pattern with a SyntaxError naming it", () => {
    expect(() => compileIgnorePattern("a[b")).toThrow(SyntaxError);
    expect(() => compileIgnorePattern("a[b")).toThrow('Cannot parse ignore pattern "a[b": the character class is not closed with "]"');
  });
});
