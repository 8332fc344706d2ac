import { describe, expect, test } from "bun:test";
import { formatFloat } from "../../src/template/format-float.ts";
import { goSprint, goSprintf, goSprintln } from "../../src/template/go-sprint.ts";
import { GoStruct, withGoType } from "../../src/template/go-value.ts";
import { canBackquote, quoteGoRune, quoteGoString } from "../../src/template/quote-go-string.ts";
import { unquoteGoString } from "../../src/template/unquote-go-string.ts";

// Expected strings are Go 1.19's fmt/strconv output.
describe("goSprint()", () => {
  test("prints like fmt.Sprint", () => {
    expect(goSprint(1000000, 1.5, 1e21, 1e-5, 0.0001, 123456789, 0, -0, 3n, "a", "b", null, [1, "a", null], { b: 2, a: [1] })).toBe(
      "1e+06 1.5 1e+21 1e-05 0.0001 1.23456789e+08 0 -0 3ab<nil> [1 a <nil>] map[a:[1] b:2]",
    );
    expect(goSprint(new Uint8Array([104, 105]), withGoType(["x", "y"], "[]string"))).toBe("[104 105] [x y]");
  });

  test("Sprintln separates every operand", () => {
    expect(goSprintln("a", "b", 1n)).toBe("a b 1\n");
  });

  test("a struct with a String method that throws", () => {
    class Broken extends GoStruct {
      readonly goTypeName = "main.Broken";
      String(): string {
        throw new Error("oops");
      }
    }
    expect(goSprint(new Broken())).toBe("%!v(PANIC=String method: oops)");
  });
});

describe("goSprintf()", () => {
  test.each([
    ["%d|%5.2f|%-5d|%+d|%05d|%#x|%x|%X|%o|%b|%c|%q", [3n, 3.14159, 42n, 5n, -42n, 255n, "hi", 255n, 8n, 5n, 65n, 'a"b\n'], '3| 3.14|42   |+5|-0042|0xff|6869|FF|10|101|A|"a\\"b\\n"'],
    ["%e|%g|%t|%T|%s|%d", [1234.5678, 0.00001234, true, 1.5, "str", "x"], "1.234568e+03|1.234e-05|true|float64|str|%!d(string=x)"],
    ["%d %d", [1n], "1 %!d(MISSING)"],
    ["%d", [1n, 2n, "x"], "1%!(EXTRA int=2, string=x)"],
    ["%.0f %.0f %.0f %.1f %.3e %g %#g %x %b", [0.5, 1.5, 2.5, 0.25, 123456.0, 1e100, 1.0, 1.0, 1.0], "0 2 2 0.2 1.235e+05 1e+100 1.00000 0x1p+00 4503599627370496p-52"],
    ["%6.2q|%-8s|%08s|%+q|%#q|% x|%#x|%U|%#U", ["héllo", "ab", "ab", "é", "a`b", "abc", "abc", 0x1f600n, 0x41n], '  "hé"|ab      |000000ab|"\\u00e9"|"a`b"|61 62 63|0x616263|U+1F600|U+0041 \'A\''],
    ["%[2]d %[1]d|%*d|%.*f", [1n, 2n, 3n, 7n, 2n, 3.14159], "2 1| 3|%!f(int=0000002)"],
    ["%[2]d %[1]d|%[3]*d|%.*f", [1n, 2n, 3n, 7n, 2n, 3.14159], "2 1|  7|3.14"],
    ["%v %d", [{ k: null }, ["a"]], "map[k:<nil>] [%!d(string=a)]"],
    ["%w", ["x"], "%!w(string=x)"],
  ])("%s", (format, args, want) => {
    expect(goSprintf(format, ...args)).toBe(want);
  });
});

describe("formatFloat()", () => {
  test.each([
    [1, "g", -1, "1"],
    [1e6, "g", -1, "1e+06"],
    [123456, "g", -1, "123456"],
    [0.1 + 0.2, "g", -1, "0.30000000000000004"],
    [5e-324, "g", -1, "5e-324"],
    [1.7976931348623157e308, "e", -1, "1.7976931348623157e+308"],
    [0.5, "f", 0, "0"],
    [1.5, "f", 0, "2"],
    [2.5, "f", 0, "2"],
    [1.005, "f", 2, "1.00"],
    [0.125, "f", 2, "0.12"],
    [0.375, "f", 2, "0.38"],
    [1234.5678, "e", 2, "1.23e+03"],
    [0, "e", 3, "0.000e+00"],
    [123.456, "g", 4, "123.5"],
    [0.0001234, "G", 2, "0.00012"],
    [1e-7, "G", 3, "1E-07"],
    [1, "x", -1, "0x1p+00"],
    [-0.1, "X", -1, "-0X1.999999999999AP-04"],
    [3, "x", 2, "0x1.80p+01"],
    [2, "b", -1, "4503599627370496p-51"],
    [NaN, "g", -1, "NaN"],
    [-Infinity, "f", 2, "-Inf"],
  ])("%p %s %p → %s", (value, fmt, prec, want) => {
    expect(formatFloat(value, fmt, prec)).toBe(want);
  });
});

describe("strconv quoting", () => {
  test("quote and unquote", () => {
    expect(quoteGoString("a\tb\"c\\ é 😀 \u0007 \u200b")).toBe('"a\\tb\\"c\\\\ é 😀 \\a \\u200b"');
    expect(quoteGoString("é😀", { ascii: true })).toBe('"\\u00e9\\U0001f600"');
    expect(quoteGoRune(0x27)).toBe("'\\''");
    expect(canBackquote("a\tb")).toBe(true);
    expect(canBackquote("a`b")).toBe(false);
    expect(unquoteGoString('"\\x41\\101\\u00e9\\xc3\\xa9"')).toBe("AAéé");
    expect(unquoteGoString("`a\r\nb`")).toBe("a\nb");
    expect(() => unquoteGoString('"\\q"')).toThrow("invalid syntax");
    expect(() => unquoteGoString('"\\\'"')).toThrow("invalid syntax");
  });
});
