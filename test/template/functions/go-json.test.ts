import { describe, expect, test } from "bun:test";
import { marshalJson, parseJson } from "../../../src/template/functions/go-json.ts";
import { nilSlice, withGoType } from "../../../src/template/functions/go-type.ts";

describe("marshalJson()", () => {
  test.each([
    [{ b: 1n, a: [1.5, "x", null, true] }, '{"a":[1.5,"x",null,true],"b":1}'],
    ["<&>\u2028", '"\\u003c\\u0026\\u003e\\u2028"'],
    [[1e21, 1e20, 1e-7, 0.000001, -0], "[1e+21,100000000000000000000,1e-7,0.000001,-0]"],
    [new Uint8Array([1, 2, 255]), '"AQL/"'],
    [nilSlice(), "null"],
    [withGoType({}, "map[string]interface {}", true), "null"],
    [{ "é": "\u0001\t" }, '{"é":"\\u0001\\t"}'],
  ])("%p → %p", (value, want) => {
    expect(marshalJson(value as never)).toBe(want);
  });

  test("escapeHtml: false and indentation", () => {
    expect(marshalJson({ a: ["<"] }, { escapeHtml: false, indent: "  " })).toBe('{\n  "a": [\n    "<"\n  ]\n}');
    expect(marshalJson({ e: {}, l: [] }, { indent: "  " })).toBe('{\n  "e": {},\n  "l": []\n}');
  });

  test("NaN and infinities fail like Go", () => {
    expect(() => marshalJson(NaN)).toThrow("json: unsupported value: NaN");
    expect(() => marshalJson([-Infinity])).toThrow("json: unsupported value: -Inf");
  });
});

describe("parseJson()", () => {
  test("numbers are float64, objects maps, escapes decoded", () => {
    expect(parseJson('{"a": [1, 2.5e3, "\\u00e9\\ud83d\\ude00"], "b": null}')).toEqual({ a: [1, 2500, "é😀"], b: null });
  });

  test.each([
    ["", "unexpected end of JSON input"],
    ["{", "unexpected end of JSON input"],
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ["nul", "invalid character ' ' in literal null (expecting 'l')"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["{1:2}", "invalid character '1' looking for beginning of object key string"],
    ["01", "invalid character '1' after top-level value"],
    ["-", "invalid character ' ' in numeric literal"],
    ["1.", "invalid character ' ' after decimal point in numeric literal"],
    ["1e", "invalid character ' ' in exponent of numeric literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12"', "invalid character '\"' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'x'", "invalid character '\\'' looking for beginning of value"],
    ["1e400", "json: cannot unmarshal number 1e400 into Go value of type float64"],
  ])("%p fails with %p", (text, message) => {
    expect(() => parseJson(text)).toThrow(message);
  });
});
