import { describe, expect, test } from "bun:test";
import { parseSetValues, SetValuesError } from "../../src/chart/parse-set-values.ts";
import { parseValuesYaml } from "../../src/chart/parse-values-yaml.ts";
import type { GoMap } from "../../src/template/go-value.ts";

/** Cases from Helm's pkg/strvals/parser_test.go (TestParseSet), plus lade's own. */
describe("parseSetValues() typed (--set)", () => {
  test.each<[string, unknown]>([
    ["name1=null,f=false,t=true", { name1: null, f: false, t: true }],
    ["a=TRUE,b=False,c=NULL", { a: true, b: false, c: null }],
    ["name1=value1", { name1: "value1" }],
    ["name1=value1,name2=value2", { name1: "value1", name2: "value2" }],
    ["name1=value1,name2=value2,", { name1: "value1", name2: "value2" }],
    ["name1=,name2=value2", { name1: "", name2: "value2" }],
    ["leading_zeros=00009", { leading_zeros: "00009" }],
    ["zero_int=0", { zero_int: 0n }],
    ["long_int=1234567890", { long_int: 1234567890n }],
    ["negative=-42,plus=+7", { negative: -42n, plus: 7n }],
    ["float=1.5,exp=1e3,under=1_000", { float: "1.5", exp: "1e3", under: "1_000" }],
    ["too_big=99999999999999999999", { too_big: "99999999999999999999" }],
    ["boolean=true", { boolean: true }],
    ["is_null=null", { is_null: null }],
    ["name1=one\\,two,name2=three\\,four", { name1: "one,two", name2: "three,four" }],
    ["name1=one\\=two,name2=three\\=four", { name1: "one=two", name2: "three=four" }],
    ["name1=one two three,name2=three two one", { name1: "one two three", name2: "three two one" }],
    ["outer.inner=value", { outer: { inner: "value" } }],
    ["outer.middle.inner=value", { outer: { middle: { inner: "value" } } }],
    ["outer.inner1=value,outer.inner2=value2", { outer: { inner1: "value", inner2: "value2" } }],
    ["outer.inner1=value,outer.middle.inner=value", { outer: { inner1: "value", middle: { inner: "value" } } }],
    ["name1.name2=", { name1: { name2: "" } }],
    ["a\\.b=c", { "a.b": "c" }],
    ["nodeSelector.kubernetes\\.io/role=master", { nodeSelector: { "kubernetes.io/role": "master" } }],
    ["path=C:\\\\dir", { path: "C:\\dir" }],
    ["name1={value1,value2}", { name1: ["value1", "value2"] }],
    ["name1={value1,value2},name2={value1,value2}", { name1: ["value1", "value2"], name2: ["value1", "value2"] }],
    ["name1={1021,902}", { name1: [1021n, 902n] }],
    ["name1={}", { name1: [""] }],
    ["name1.name2={value1,value2}", { name1: { name2: ["value1", "value2"] } }],
    ["list[0]=foo", { list: ["foo"] }],
    ["list[0].foo=bar", { list: [{ foo: "bar" }] }],
    ["list[0].foo=bar,list[0].hello=world", { list: [{ foo: "bar", hello: "world" }] }],
    ["list[0]=foo,list[1]=bar", { list: ["foo", "bar"] }],
    ["list[0]=foo,list[1]=bar,", { list: ["foo", "bar"] }],
    ["list[0]=foo,list[3]=bar", { list: ["foo", null, null, "bar"] }],
    ["noval[0]", { noval: [] }],
    ["noval[0]=", { noval: [""] }],
    ["nested[0][0]=1", { nested: [[1n]] }],
    ["nested[1][1]=1", { nested: [null, [null, 1n]] }],
    ["name1.name2[0].foo=bar,name1.name2[1].foo=bar", { name1: { name2: [{ foo: "bar" }, { foo: "bar" }] } }],
    ["name1.name2[1].foo=bar,name1.name2[0].foo=bar", { name1: { name2: [{ foo: "bar" }, { foo: "bar" }] } }],
    ["name1.name2[1].foo=bar", { name1: { name2: [null, { foo: "bar" }] } }],
    ["list[0]={a,b}", { list: [["a", "b"]] }],
    ["unicode=héllo wörld ✓", { unicode: "héllo wörld ✓" }],
  ])("%s", (text, expected) => {
    expect(parseSetValues(text)).toEqual(expected as GoMap);
  });

  test.each([
    ["name1=value1,,,,name2=value2,", 'key "" has no value (cannot end with ,)'],
    ["name1,name2=", 'key "name1" has no value (cannot end with ,)'],
    ["name1,name2=value2", "has no value"],
    ["name1,name2=value2\\", "has no value"],
    ["name1,name2", "has no value"],
    ["name1.name2", 'key "name2" has no value'],
    ["name1.name2,name1.name3", "has no value"],
    ["name1.=name2", 'key map "name1" has no value'],
    ["name1.,name2", "has no value"],
    ["name1={1021,902", "list must terminate with '}'"],
    ["list[0].foo=bar,list[-30].hello=world", "negative -30 index not allowed"],
    ["list[0]=foo,list[-20]=bar", "negative -20 index not allowed"],
    ["illegal[0]name.foo=bar", 'unexpected data at end of array index: "name"'],
    ["]={}].", "unable to parse key"],
    ["list[x]=1", "error parsing index"],
    ["list[65537]=1", "index of 65537 is greater than maximum supported index of 65536"],
    ["novalue", 'key "novalue" has no value'],
    [`${"a.".repeat(31)}b=1`, "maximum supported nested level of 30"],
  ])("rejects %s", (text, message) => {
    expect(() => parseSetValues(text)).toThrow(SetValuesError);
    expect(() => parseSetValues(text)).toThrow(message);
  });
});

describe("parseSetValues() into existing values", () => {
  test("extends maps from earlier values and overwrites scalars (ParseInto)", () => {
    const values = { outer: { inner1: "overwrite", inner2: "value2" } } as unknown as GoMap;
    parseSetValues("outer.inner1=value1,outer.inner3=value3,outer.inner4=4", values);
    expect(values).toEqual({ outer: { inner1: "value1", inner2: "value2", inner3: "value3", inner4: 4n } } as unknown as GoMap);
  });

  test("builds nested lists over two --set options", () => {
    const values: GoMap = Object.create(null);
    parseSetValues("listOuter[0][0].type=listValue", values);
    parseSetValues("listOuter[0][0].status=alive", values);
    expect(values).toEqual({ listOuter: [[{ type: "listValue", status: "alive" }]] } as unknown as GoMap);
    parseSetValues("listOuter[1][0].status=dead", values);
    expect(values).toEqual({ listOuter: [[{ type: "listValue", status: "alive" }], [{ status: "dead" }]] } as unknown as GoMap);
  });

  test("keeps deeper list entries", () => {
    const values = { listOuter: [[[{ exited: "old" }]]] } as unknown as GoMap;
    parseSetValues("listOuter[0][1][0].type=listValue", values);
    parseSetValues("listOuter[0][0][1].status=alive", values);
    expect(values).toEqual({ listOuter: [[[{ exited: "old" }, { status: "alive" }], [{ type: "listValue" }]]] } as unknown as GoMap);
  });

  test("changes one field of a list entry that came from a values file", () => {
    const values = parseValuesYaml("env:\n  - name: A\n    value: one\n  - name: B\n    value: two\n", "v.yaml");
    parseSetValues("env[1].value=changed", values);
    expect(values).toEqual({ env: [{ name: "A", value: "one" }, { name: "B", value: "changed" }] } as unknown as GoMap);
  });

  test("a key that holds a scalar cannot become a map or a list", () => {
    const values = parseValuesYaml("a: 1\nb: [1]\n", "v.yaml");
    expect(() => parseSetValues("a.b=2", values)).toThrow("unable to parse key");
    expect(() => parseSetValues("a[0]=2", values)).toThrow("unable to parse key");
    expect(() => parseSetValues("b.c=2", values)).toThrow("unable to parse key");
  });

  test("a map can replace a scalar with a whole new value", () => {
    const values = parseValuesYaml("a:\n  b: 1\n", "v.yaml");
    parseSetValues("a=flat", values);
    expect(values).toEqual({ a: "flat" } as unknown as GoMap);
  });
});

describe("parseSetValues() --set-string", () => {
  test.each<[string, unknown]>([
    ["long_int_string=1234567890", { long_int_string: "1234567890" }],
    ["boolean=true", { boolean: "true" }],
    ["is_null=null", { is_null: "null" }],
    ["zero=0", { zero: "0" }],
    ["list={1,true,null}", { list: ["1", "true", "null"] }],
    ["a[0]=5", { a: ["5"] }],
  ])("%s", (text, expected) => {
    expect(parseSetValues(text, undefined, { mode: "string" })).toEqual(expected as GoMap);
  });

  test("overwrites into existing values (ParseIntoString)", () => {
    const values = { outer: { inner1: "overwrite", inner2: "value2" } } as unknown as GoMap;
    parseSetValues("outer.inner1=1,outer.inner3=3", values, { mode: "string" });
    expect(values).toEqual({ outer: { inner1: "1", inner2: "value2", inner3: "3" } } as unknown as GoMap);
  });
});

describe("parseSetValues() --set-json", () => {
  test("scalars, replacing an existing key", () => {
    const values = { outer: { inner1: "overwrite", inner2: "value2" } } as unknown as GoMap;
    parseSetValues('outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true"', values, { mode: "json" });
    expect(values).toEqual({ outer: { inner1: "1", inner2: "value2", inner3: 3, inner4: true, inner5: "true" } } as unknown as GoMap);
  });

  test("objects and arrays", () => {
    const values = { outer: { inner1: { x: "overwrite" }, inner2: "value2", inner3: ["overwrite"] } } as unknown as GoMap;
    parseSetValues(
      'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]',
      values,
      { mode: "json" },
    );
    expect(values).toEqual({
      outer: {
        inner1: { a: "1", b: 2, c: [1, 2, 3] },
        inner2: "value2",
        inner3: ["new value 1", "new value 2"],
        inner5: [{ A: "1", B: 2, C: [1, 2, 3] }],
      },
    } as unknown as GoMap);
  });

  test("an empty value is null and list entries can be set", () => {
    const values = { outer: { inner1: { x: "overwrite" }, inner2: "value2" } } as unknown as GoMap;
    parseSetValues('outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null', values, { mode: "json" });
    expect(values).toEqual({ outer: { inner1: null, inner2: "value2", inner3: { aa: "1", bb: 2, cc: [1, null, 3] } } } as unknown as GoMap);
  });

  test("rejects broken JSON", () => {
    expect(() => parseSetValues('a={"x":1', undefined, { mode: "json" })).toThrow(SetValuesError);
  });
});
