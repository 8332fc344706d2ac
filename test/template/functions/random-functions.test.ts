import { describe, expect, test } from "bun:test";
import { sprigFunctions } from "../../../src/template/functions/sprig-functions.ts";
import { GoTime } from "../../../src/template/functions/go-time.ts";
import { call } from "./call.ts";

/** Property tests for what cannot be compared with Go: random strings, UUIDs, the clock. */
describe("random functions", () => {
  test.each([
    ["randAlphaNum", /^[A-Za-z0-9]*$/],
    ["randAlpha", /^[A-Za-z]*$/],
    ["randNumeric", /^[0-9]*$/],
    ["randAscii", /^[\x20-\x7e]*$/],
  ] as const)("%s() gives the requested length from its alphabet", (name, alphabet) => {
    for (const n of [0n, 1n, 7n, 64n]) {
      const value = call(sprigFunctions, name, n) as string;
      expect(value).toHaveLength(Number(n));
      expect(value).toMatch(alphabet);
    }
    expect(call(sprigFunctions, name, -1n)).toBe("");
  });

  test("randAlphaNum() uses the whole alphabet", () => {
    const seen = new Set(call(sprigFunctions, "randAlphaNum", 5000n) as string);
    expect(seen.size).toBe(62);
  });

  test("uuidv4() gives distinct version-4 UUIDs", () => {
    const ids = Array.from({ length: 100 }, () => call(sprigFunctions, "uuidv4") as string);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(100);
  });

  test("randBytes() is base64 of n random bytes", () => {
    const value = call(sprigFunctions, "randBytes", 32n) as string;
    expect(Buffer.from(value, "base64")).toHaveLength(32);
  });

  test("shuffle() permutes the runes", () => {
    const text = "héllo wörld 😀";
    const shuffled = call(sprigFunctions, "shuffle", text) as string;
    expect([...shuffled].sort()).toEqual([...text].sort());
  });

  test("randInt() stays in [min, max)", () => {
    for (let i = 0; i < 200; i++) {
      const n = call(sprigFunctions, "randInt", -3n, 4n) as bigint;
      expect(n >= -3n && n < 4n).toBe(true);
    }
    expect(() => call(sprigFunctions, "randInt", 1n, 1n)).toThrow("invalid argument to Intn");
  });
});

describe("clock functions", () => {
  test("now() is the current time and prints like Go's time.Time with a monotonic reading", () => {
    const before = Date.now();
    const now = call(sprigFunctions, "now") as GoTime;
    const ms = Number(now.unixNanos() / 1000000n);
    expect(ms).toBeGreaterThanOrEqual(before - 1);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
    expect(now.String()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+ m=\+\d+\.\d{9}$/);
  });

  test("ago() and durationRound() measure from now", () => {
    const hourAgo = GoTime.now().addNanos(-3600n * 1000000000n - 5n * 1000000000n);
    expect(call(sprigFunctions, "ago", hourAgo)).toMatch(/^1h0m[56]s$/);
    expect(call(sprigFunctions, "durationRound", hourAgo)).toBe("1h");
  });

  test("date() with a value that is not a time formats now", () => {
    const year = String(new Date().getUTCFullYear());
    expect(call(sprigFunctions, "dateInZone", "2006", 1.5, "UTC")).toBe(year);
  });
});
