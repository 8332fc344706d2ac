import { describe, expect, test } from "bun:test";
import { formatFloat } from "../../../src/template/functions/format-value.ts";
import { toFloat64, toInt64, tryParseGoInt } from "../../../src/template/functions/go-cast.ts";

describe("toInt64() (spf13/cast)", () => {
  test.each([
    [3.9, 3n],
    [-3.9, -3n],
    ["42", 42n],
    ["4.0", 4n],
    ["4.5", 0n],
    ["0x1F", 31n],
    ["010", 8n],
    ["0b101", 5n],
    ["1_000", 1000n],
    [" 5", 0n],
    [true, 1n],
    [null, 0n],
    [1e30, -(2n ** 63n)],
  ] as const)("%p → %p", (value, want) => {
    expect(toInt64(value)).toBe(want);
  });
});

describe("toFloat64()", () => {
  test.each([
    [3n, 3],
    ["1.5", 1.5],
    ["1e3", 1000],
    ["Inf", Infinity],
    ["0x1p-2", 0.25],
    ["x", 0],
    ["1e400", 0],
    [false, 0],
  ] as const)("%p → %p", (value, want) => {
    expect(toFloat64(value)).toBe(want);
  });
});

describe("tryParseGoInt()", () => {
  test("reports Go's errors", () => {
    expect(tryParseGoInt("12a", 10)).toBe('strconv.ParseInt: parsing "12a": invalid syntax');
    expect(tryParseGoInt("9223372036854775808", 10)).toBe('strconv.ParseInt: parsing "9223372036854775808": value out of range');
    expect(tryParseGoInt("-9223372036854775808", 10)).toBe(-(2n ** 63n));
  });
});

describe("formatFloat() (%v of a float64)", () => {
  test.each([
    [1e6, "1e+06"],
    [123456, "123456"],
    [1234567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [-0, "-0"],
    [NaN, "NaN"],
    [-Infinity, "-Inf"],
    [1e100, "1e+100"],
  ])("%p → %p", (value, want) => {
    expect(formatFloat(value)).toBe(want);
  });
});
