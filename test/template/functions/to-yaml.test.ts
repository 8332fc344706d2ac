import { describe, expect, test } from "bun:test";
import { parseYaml } from "../../../src/template/functions/parse-yaml.ts";
import { compareYamlKeys, marshalYaml, marshalYamlPretty } from "../../../src/template/functions/to-yaml.ts";

describe("marshalYaml() (Helm's toYaml: sigs.k8s.io/yaml over yaml.v2)", () => {
  test.each([
    [{ b: 1, a: "x" }, "a: x\nb: 1\n"],
    [{ a: [1, { b: 2 }] }, "a:\n- 1\n- b: 2\n"],
    [{ e: {}, l: [] }, "e: {}\nl: []\n"],
    [{ s: "yes", n: "12", t: "true", z: "", d: "2020-01-01" }, 'd: "2020-01-01"\n"n": "12"\ns: "yes"\nt: "true"\nz: ""\n'],
    [{ m: "a\nb" }, "m: |-\n  a\n  b\n"],
    [{ m: "a\n" }, "m: |\n  a\n"],
    [{ m: "a\n\n" }, "m: |+\n  a\n\n"],
    [{ m: " a\nb" }, "m: |2-\n   a\n  b\n"],
    [{ f: 1e6, g: 1.5, h: 1e21 }, "f: 1000000\ng: 1.5\nh: 1e+21\n"],
    [{ q: "it's", c: "a: b", h: "#x", t: "a\tb" }, "c: 'a: b'\nh: '#x'\nq: it's\nt: \"a\\tb\"\n"],
    ["hello", "hello\n"],
    [null, "null\n"],
  ])("%p", (value, want) => {
    expect(marshalYaml(value as never)).toBe(want);
  });

  test("folds long plain scalars at 80 columns", () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const lines = marshalYaml({ k: words }).split("\n");
    expect(lines[0]!.length).toBeGreaterThan(80);
    expect(lines[1]!.startsWith("  word")).toBe(true);
  });

  test("keys sort like go-yaml: digit runs by value", () => {
    expect(["a10", "a2", "b", "A", "1"].sort((x, y) => compareYamlKeys(x, y))).toEqual(["1", "A", "a2", "a10", "b"]);
  });
});

describe("marshalYamlPretty() (Helm's toYamlPretty: yaml.v3, indent 2)", () => {
  test("indents sequences inside mappings and keeps floats as Go formats them", () => {
    expect(marshalYamlPretty({ a: [1n, { b: "yes" }], d: 1e6 })).toBe('a:\n  - 1\n  - b: "yes"\nd: 1e+06\n');
  });
});

describe("parseYaml() (Helm's fromYaml)", () => {
  test("YAML 1.1 scalars as yaml.v2 reads them, numbers as float64", () => {
    expect(parseYaml("a: yes\nb: 012\nc: 0x10\nd: 1_000\ne: ~\nf: 2020-01-01\ng: '012'")).toEqual({
      a: true,
      b: 10,
      c: 16,
      d: 1000,
      e: null,
      f: "2020-01-01",
      g: "012",
    });
  });

  test("keys become strings; merges apply", () => {
    expect(parseYaml("1: a\ntrue: b\nbase: &b {x: 1}\nm:\n  <<: *b\n  z: 2\n  y: 3")).toEqual({ "1": "a", true: "b", base: { x: 1 }, m: { x: 1, z: 2, true: 3 } });
  });

  test("errors read like Helm's", () => {
    expect(() => parseYaml("a: [1, 2")).toThrow("error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'");
    expect(() => parseYaml("a: .inf")).toThrow("error converting YAML to JSON: json: unsupported value: +Inf");
  });
});
