import { describe, expect, test } from "bun:test";
import { envFunctions, expandEnv } from "../../../src/template/functions/env-functions.ts";
import { allFunctions, HELM_ERROR_END, HELM_ERROR_START } from "../../../src/template/functions/helm-functions.ts";
import { sprigFunctions } from "../../../src/template/functions/sprig-functions.ts";
import type { GoValue } from "../../../src/template/go-value.ts";
import { goTypeOf } from "../../../src/template/go-value.ts";
import { call } from "./call.ts";

/** Direct calls, with the arguments the engine would pass (ints as bigint, numbers from data as float64). */
describe("sprig functions called directly", () => {
  test.each<[string, GoValue[], GoValue]>([
    ["trunc", [5n, "hello world"], "hello"],
    ["trunc", [-5n, "hello world"], "world"],
    ["substr", [1n, 3n, "hello"], "el"],
    ["abbrev", [5n, "hello world"], "he..."],
    ["wrap", [10n, "The quick brown fox"], "The quick\nbrown fox"],
    ["snakecase", ["HTTPServer"], "http_server"],
    ["camelcase", ["http_server"], "HttpServer"],
    ["kebabcase", ["FirstName"], "first-name"],
    ["swapcase", ["This Is"], "tHIS iS"],
    ["title", ["hello world"], "Hello World"],
    ["quote", ["a\"b", null, 1n], '"a\\"b" "1"'],
    ["squote", ["x", 1.5], "'x' '1.5'"],
    ["cat", ["a", null, 2n], "a 2"],
    ["indent", [2n, "a\nb"], "  a\n  b"],
    ["nindent", [2n, "a"], "\n  a"],
    ["replace", ["a", "b", "aa"], "bb"],
    ["plural", ["one", "many", 2n], "many"],
    ["toString", [1e6], "1e+06"],
    ["atoi", ["42"], 42n],
    ["int", ["0x10"], 16n],
    ["float64", ["2.5"], 2.5],
    ["add", [1n, 2.9, "3"], 6n],
    ["addf", [0.1, 0.2], 0.3],
    ["divf", [1n, 3n], 0.3333333333333333],
    ["round", [2.675, 2n], 2.68],
    ["default", ["d", ""], "d"],
    ["default", ["d", 0n], "d"],
    ["default", ["d", "x"], "x"],
    ["empty", [{}], true],
    ["coalesce", [null, "", "x"], "x"],
    ["ternary", ["a", "b", false], "b"],
    ["seq", [1n, 2n, 7n], "1 3 5 7"],
    ["base", ["/a/b.txt"], "b.txt"],
    ["clean", ["a/../b//c/"], "b/c"],
    ["b64enc", ["hi"], "aGk="],
    ["b64dec", ["!"], "illegal base64 data at input byte 0"],
    ["regexReplaceAll", ["(\\w+)@(\\w+)", "me@host", "$2:$1"], "host:me"],
    ["semverCompare", ["~1.2", "1.2.9"], true],
    ["typeOf", [[]], "[]interface {}"],
    ["kindOf", [{}], "map"],
  ])("%s(%p) = %p", (name, args, want) => {
    expect(call(sprigFunctions, name, ...args)).toEqual(want);
  });

  test("list functions keep Go's slice types and nil slices", () => {
    expect(goTypeOf(call(sprigFunctions, "splitList", ",", "a,b"))).toBe("[]string");
    expect(goTypeOf(call(sprigFunctions, "until", 3n))).toBe("[]int");
    expect(call(sprigFunctions, "toJson", call(sprigFunctions, "rest", []))).toBe("null");
    expect(call(sprigFunctions, "toJson", call(sprigFunctions, "list"))).toBe("[]");
  });

  test("merge and mergeOverwrite follow mergo", () => {
    const dst = { a: 1, s: "", l: [1], m: { x: 1 } };
    expect(call(sprigFunctions, "merge", dst, { a: 2, s: "set", l: [2], m: { y: 2 }, n: null })).toEqual({ a: 1, s: "set", l: [1], m: { x: 1, y: 2 } });
    expect(call(sprigFunctions, "mergeOverwrite", { a: "x", b: 1, c: [1] }, { a: { n: 1 }, b: 0, c: [] })).toEqual({ a: "x", b: 0, c: [] });
  });

  test("failing functions throw Go's message", () => {
    expect(() => call(sprigFunctions, "first", "abc")).toThrow("Cannot find first on type string");
    expect(() => call(sprigFunctions, "div", 1n, 0n)).toThrow("runtime error: integer divide by zero");
    expect(() => call(sprigFunctions, "fail", "boom")).toThrow("boom");
    expect(() => call(sprigFunctions, "getHostByName", "localhost")).toThrow("DNS lookups are not supported");
  });
});

describe("envFunctions()", () => {
  test("env and expandenv read the injected environment only", () => {
    const functions = envFunctions({ HOME: "/home/me", X: "1" });
    expect(call(functions, "env", "HOME")).toBe("/home/me");
    expect(call(functions, "env", "PATH")).toBe("");
    expect(call(functions, "expandenv", "$HOME/${X}/$NOPE/$$/$")).toBe("/home/me/1///$");
    expect(call(sprigFunctions, "env", "HOME")).toBe("");
  });

  test("expandEnv() eats bad ${} syntax like os.Expand", () => {
    expect(expandEnv("a${}b${c", () => "v")).toBe("abc");
    expect(expandEnv("$1 $*", (name) => `<${name}>`)).toBe("<1> <*>");
  });
});

describe("allFunctions()", () => {
  const runtime = { include: (name: string) => `included ${name}`, tpl: (text: string) => `tpl ${text}` };
  const functions = allFunctions(runtime);

  test("drops env and expandenv and overrides with Helm's versions", () => {
    expect(functions.env).toBeUndefined();
    expect(functions.expandenv).toBeUndefined();
    expect(call(functions, "getHostByName", "x")).toBe("");
    expect(call(functions, "lookup", "v1", "Pod", "ns", "n")).toEqual({});
    expect(call(functions, "fromJson", "[1]")).toEqual({ Error: "json: cannot unmarshal array into Go value of type map[string]interface {}" });
  });

  test("include and tpl go through the runtime", () => {
    expect(call(functions, "include", "x", null)).toBe("included x");
    expect(call(functions, "tpl", "{{ . }}", null)).toBe("tpl {{ . }}");
  });

  test("required and fail wrap their message for Helm's report", () => {
    expect(() => call(functions, "required", "need it", null)).toThrow(`${HELM_ERROR_START}need it${HELM_ERROR_END}`);
    expect(() => call(functions, "required", "need it", "")).toThrow("need it");
    expect(call(functions, "required", "need it", 0)).toBe(0);
    expect(() => call(functions, "fail", "no")).toThrow(`${HELM_ERROR_START}no${HELM_ERROR_END}`);
  });

  test("include stops runaway recursion like Helm", () => {
    let depth = 0;
    const recursive = allFunctions({
      include: (name) => {
        depth++;
        return call(recursive, "include", name, null) as string;
      },
      tpl: () => "",
    });
    expect(() => call(recursive, "include", "loop", null)).toThrow("rendering template has a nested reference name: loop: unable to execute template");
    expect(depth).toBe(1001);
  });
});
