import { describe, expect, test } from "bun:test";
import { checkConstraints, parseConstraints } from "../../../src/template/functions/semver-constraints.ts";
import { SemverVersion } from "../../../src/template/functions/semver-version.ts";

const check = (constraint: string, version: string) => checkConstraints(parseConstraints(constraint), SemverVersion.parse(version));

describe("semver constraints (Masterminds/semver v3)", () => {
  test.each([
    [">=1.2.3", "1.2.3", true],
    [">1.2", "1.2.9", false],
    [">1.2", "1.3.0", true],
    ["<=1.2", "1.2.9", true],
    ["1.2.x", "1.2.7", true],
    ["1.2.x", "1.3.0", false],
    ["*", "0.0.1", true],
    ["~1.2.3", "1.2.9", true],
    ["~1.2.3", "1.3.0", false],
    ["~1", "1.9.9", true],
    ["^1.2.3", "1.9.0", true],
    ["^1.2.3", "2.0.0", false],
    ["^0.2.3", "0.2.9", true],
    ["^0.2.3", "0.3.0", false],
    ["^0.0.3", "0.0.4", false],
    ["1.0 - 2.0", "2.0.0", true],
    ["1.0 - 2.0", "2.0.1", true],
    ["1.0 - 2.0.0", "2.0.1", false],
    [">=1, <2 || >=3", "3.1.0", true],
    [">=1 <2 || >=3", "2.5.0", false],
    [">=1.2.3", "1.2.4-beta", false],
    [">=1.2.3-0", "1.2.4-beta", true],
    [">=1.21-0", "1.28.3+k3s1", true],
    ["!=1.2.x", "1.2.5", false],
    ["!=1.2.3", "1.2.4", true],
    ["=1.0.0", "v1.0.0", true],
  ])("%p matches %p: %p", (constraint, version, want) => {
    expect(check(constraint, version)).toBe(want);
  });

  test.each([
    ["bad", "improper constraint: bad"],
    [">= 1 &&", "improper constraint: >= 1 &&"],
    ["", "improper constraint: "],
  ])("rejects %p", (constraint, message) => {
    expect(() => parseConstraints(constraint)).toThrow(message);
  });
});

describe("SemverVersion.parse()", () => {
  test.each([
    ["1.2.3", "1.2.3"],
    ["v1.2", "1.2.0"],
    ["1", "1.0.0"],
    ["1.2.3-rc.1+build.5", "1.2.3-rc.1+build.5"],
  ])("%p is %p", (text, want) => {
    expect(SemverVersion.parse(text).String()).toBe(want);
  });

  test.each([
    ["x", "Invalid Semantic Version"],
    ["1.2.3-01", "Version segment starts with 0"],
    ["99999999999999999999.0.0", "Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"],
  ])("rejects %p", (text, message) => {
    expect(() => SemverVersion.parse(text)).toThrow(message);
  });

  test("prereleases sort like Masterminds (numeric before alphanumeric, shorter first)", () => {
    const order = ["1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0"];
    for (let i = 1; i < order.length; i++) {
      expect(SemverVersion.parse(order[i - 1]!).LessThan(SemverVersion.parse(order[i]!))).toBe(true);
    }
  });
});
