import { describe, expect, test } from "bun:test";
import { matchFilesGlob, matchPathPattern } from "../../src/chart/match-path-pattern.ts";

describe("matchPathPattern() (Go filepath.Match)", () => {
  test.each([
    ["*.bak", "a.bak", true],
    ["*.bak", "dir/a.bak", false],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["[a-c]x", "bx", true],
    ["[^a-c]x", "dx", true],
    ["[^a-c]x", "ax", false],
    ["\\*", "*", true],
    ["[", "[", false],
    ["docs/*.md", "docs/readme.md", true],
  ])("%s ~ %s → %p", (pattern, name, expected) => {
    expect(matchPathPattern(pattern, name)).toBe(expected);
  });
});

describe("matchFilesGlob() (gobwas/glob with / separators)", () => {
  test.each([
    ["files/*", "files/a.txt", true],
    ["files/*", "files/sub/a.txt", false],
    ["files/**", "files/sub/a.txt", true],
    ["**.conf", "files/config/log.conf", true],
    ["*.conf", "files/config/log.conf", false],
    ["files/{a,b}.txt", "files/b.txt", true],
    ["files/{a,b}.txt", "files/c.txt", false],
    ["files/[!a]*", "files/b.txt", true],
    ["files/[!a]*", "files/a.txt", false],
    ["files/?.txt", "files/a.txt", true],
    ["files/{a", "anything/at/all", true],
  ])("%s ~ %s → %p", (pattern, name, expected) => {
    expect(matchFilesGlob(pattern, name)).toBe(expected);
  });
});
