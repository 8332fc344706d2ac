import { describe, expect, test } from "bun:test";
import { decodeChartMetadata } from "../../src/chart/decode-chart-metadata.ts";
import { formatGoFloat, parseGoYaml } from "../../src/chart/parse-go-yaml.ts";
import { ValuesError } from "../../src/chart/values-error.ts";

describe("parseGoYaml() (sigs.k8s.io/yaml into interface{})", () => {
  test.each<[string, unknown]>([
    ["a: yes", { a: true }],
    ["a: Off", { a: false }],
    ["a: 'yes'", { a: "yes" }],
    ["a: 0755", { a: 493 }],
    ["a: 0o17", { a: 15 }],
    ["a: 0x1f", { a: 31 }],
    ["a: 1_000", { a: 1000 }],
    ["a: +12", { a: 12 }],
    ["a: 1e3", { a: 1000 }],
    ["a: .5", { a: 0.5 }],
    ["a: 12345678901234567890", { a: 12345678901234567000 }],
    ["a: 2024-01-02", { a: "2024-01-02" }],
    ["a: ~", { a: null }],
    ["a:", { a: null }],
    ["a: !!str 12", { a: "12" }],
    ["a: !!float 1", { a: 1 }],
    ["a: !!binary aGk=", { a: "hi" }],
    ["n: 1\ny: 2\non: 3", { false: 1, true: 3 }],
    ["1.5: a\n3: b\n1e7: c", { "1.5": "a", "3": "b", "1e+07": "c" }],
    ["x: &a {p: 1}\nz:\n  <<: *a\n  q: 2", { x: { p: 1 }, z: { p: 1, q: 2 } }],
    ["z:\n  q: 2\n  <<: [{q: 1, r: 1}, {r: 2, s: 2}]", { z: { q: 1, r: 1, s: 2 } }],
    ["a: 1\na: 2", { a: 2 }],
    ["a: 1\n---\nb: 2", { a: 1 }],
    ["", null],
    ["- 1\n- two", [1, "two"]],
    // Where the values reader and fromYaml used to differ (Go's answers: the yaml3/* sprig vectors)
    ["a: |\n  x", { a: "x" }],
    ["1e40: a\n-0.0: b", { ".inf": "a", "-0": "b" }],
    ["a: \"x\"#c", { a: "x" }],
    ["m: {!!merge \"<<\": {x: 1}}", { m: { x: 1 } }],
    ["a: !!map x\nb: .5_5", { a: "x", b: 0.55 }],
  ])("%j", (text, expected) => {
    expect(parseGoYaml(text) as unknown).toEqual(expected);
  });

  test("maps have no prototype, so keys like __proto__ and toString are plain keys", () => {
    const value = parseGoYaml("__proto__: 1\ntoString: 2\n") as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(value.__proto__).toBe(1);
    expect(value["toString"] as unknown).toBe(2);
  });

  test("errors point at the place", () => {
    expect(() => parseGoYaml("a: 1\nb: [1\n", "values.yaml")).toThrow(ValuesError);
    expect(() => parseGoYaml("a: 1\nb: [1\n", "values.yaml")).toThrow(/^values\.yaml:3:1: Cannot parse YAML/);
    expect(() => parseGoYaml("a: .inf", "v.yaml")).toThrow("json: unsupported value: +Inf");
    expect(() => parseGoYaml("x: &a\n  y: *a\n", "v.yaml")).toThrow("contains itself");
    expect(() => parseGoYaml(`k${"x".repeat(1100)}: v`, "v.yaml")).toThrow(/^v\.yaml:1:1: Cannot parse YAML/);
    expect(() => parseGoYaml("a: !!int 2001-12-14", "v.yaml")).toThrow("v.yaml:1:10: Cannot parse YAML: cannot decode !!str `2001-12-14` as a !!int");
  });

  test("refuses documents made mostly of alias expansion, as yaml.v2 does", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const [name, previous] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    expect(() => parseGoYaml(levels.join("\n"), "v.yaml")).toThrow("document contains excessive aliasing");
  });
});

describe("decodeChartMetadata()", () => {
  test("formats numbers given for strings as Go does", () => {
    const metadata = decodeChartMetadata("name: x\nversion: 1.10\nappVersion: 2.0\nkubeVersion: 1\ndeprecated: true\n", "Chart.yaml");
    expect([metadata.version, metadata.appVersion, metadata.kubeVersion, metadata.deprecated]).toEqual(["1.1", "2", "1", true]);
  });

  test("rejects wrong shapes like encoding/json", () => {
    expect(() => decodeChartMetadata("name: x\ndeprecated: 'yes'\n", "Chart.yaml")).toThrow("Metadata.deprecated of type bool");
    expect(() => decodeChartMetadata("name: x\nmaintainers: [1]\n", "Chart.yaml")).toThrow("Go value of type Maintainer");
  });
});

describe("formatGoFloat()", () => {
  test.each<[number, 32 | 64, string]>([
    [1.1, 32, "1.1"],
    [3.14159265, 32, "3.1415927"],
    [3.14159265, 64, "3.14159265"],
    [1e6, 64, "1e+06"],
    [123456.7, 64, "123456.7"],
    [0.00001, 64, "1e-05"],
    [-2.5, 64, "-2.5"],
  ])("%p as float%p is %s", (value, bits, text) => {
    expect(formatGoFloat(value, bits)).toBe(text);
  });
});
