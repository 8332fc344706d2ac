import { describe, expect, test } from "bun:test";
import { GoStruct, withGoType, type GoSignature, type GoValue } from "../../src/template/go-value.ts";
import { renderTemplate } from "../../src/template/render-template.ts";
import { TemplateError } from "../../src/template/template-error.ts";
import type { FunctionMap } from "../../src/template/template-function.ts";
import type { TemplateSetOptions } from "../../src/template/template-set.ts";

function render(text: string, data: GoValue = null, options: TemplateSetOptions = {}): string {
  return renderTemplate(text, data, { name: "t", ...options });
}

function failure(text: string, data: GoValue = null, options: TemplateSetOptions = {}): string {
  try {
    render(text, data, options);
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

class Files extends GoStruct {
  readonly goTypeName = "chartutil.Files";
  override readonly goMethodTypes: Readonly<Record<string, GoSignature>> = { Get: { params: ["string"] } };
  readonly #files: Record<string, string>;
  constructor(files: Record<string, string>) {
    super();
    this.#files = files;
  }
  Get(name: string): string {
    return this.#files[name] ?? "";
  }
  Glob(pattern: string): string[] {
    return Object.keys(this.#files).filter((name) => name.startsWith(pattern.replace("*", "")));
  }
  Lines(name: string, _unused: string): string[] {
    return (this.#files[name] ?? "").split("\n");
  }
  Fail(): string {
    throw new Error("no such file");
  }
}

class Release extends GoStruct {
  readonly goTypeName = "*chart.Release";
  Name = "demo";
  Namespace = "default";
  IsInstall = true;
  Labels: GoValue = null;
  secret = "hidden";
}

class Version extends GoStruct {
  readonly goTypeName = "*semver.Version";
  constructor(readonly Major: bigint) {
    super();
  }
  String(): string {
    return `v${this.Major}.0.0`;
  }
}

describe("executeTemplate() Go ≥ 1.22 features", () => {
  test.each([
    ["{{range 3}}{{.}}{{end}}", "012"],
    ["{{range $i := 3}}{{$i}},{{end}}", "0,1,2,"],
    ["{{range 0}}x{{else}}none{{end}}", "none"],
    ["{{range -2}}x{{else}}none{{end}}", "none"],
    ["{{range len .}}{{.}}{{end}}", "01"],
  ])("range over an int: %s", (text, want) => {
    expect(render(text, ["a", "b"])).toBe(want);
  });

  test("range over an int cannot declare two variables", () => {
    expect(failure("{{range $i, $v := 3}}{{end}}")).toBe(
      'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable',
    );
  });

  test("range over a float64 from data is still an error", () => {
    expect(failure("{{range .}}{{end}}", 3)).toBe('template: t:1:8: executing "t" at <.>: range can\'t iterate over 3');
  });

  test.each([
    [{ a: "A" }, "A"],
    [{ b: "B" }, "B"],
    [{}, "none"],
  ])("else with (Go 1.23): %j", (data, want) => {
    expect(render("{{with .a}}{{.}}{{else with .b}}{{.}}{{else}}none{{end}}", data)).toBe(want);
  });

  test("range with assigned variables sets the outer ones", () => {
    expect(render('{{$i := 0}}{{$v := ""}}{{range $i, $v = .}}{{end}}{{$i}}={{$v}}', ["a", "b"])).toBe("1=b");
  });
});

describe("executeTemplate() missingkey", () => {
  test("error fails on a missing key", () => {
    expect(failure("{{.a.b}}", { a: {} }, { missingKey: "error" })).toBe(
      'template: t:1:4: executing "t" at <.a.b>: map has no entry for key "b"',
    );
  });

  test("error fails on a field of nothing", () => {
    expect(failure("{{.a.b}}", {}, { missingKey: "error" })).toBe(
      'template: t:1:4: executing "t" at <.a.b>: map has no entry for key "a"',
    );
  });

  test("error on nil data", () => {
    expect(failure("{{.a}}", null, { missingKey: "error" })).toBe(
      'template: t:1:2: executing "t" at <.a>: nil data; no entry for key "a"',
    );
  });

  test("zero gives the element type's zero value", () => {
    const data = { s: withGoType({ a: "x" }, "map[string]string"), m: {} };
    expect(render("[{{.s.b}}][{{.m.b}}]", data, { missingKey: "zero" })).toBe("[][<no value>]");
    expect(render("[{{.s.b}}][{{.m.b}}]", data, { missingKey: "zero", helmNoValue: true })).toBe("[][]");
    expect(render("[{{.s.b}}]", data)).toBe("[<no value>]");
  });

  // Checked against Go 1.19 with missingkey=zero (the vectors record only Helm successes).
  test.each([
    ["{{.Values.nope.deeper}}", 'template: t:1:9: executing "t" at <.Values.nope.deeper>: nil pointer evaluating interface {}.deeper'],
    ["{{upper .nope}}", 'template: t:1:8: executing "t" at <.nope>: wrong type for value; expected string; got interface {}'],
    ["{{len .nope}}", 'template: t:1:2: executing "t" at <len .nope>: error calling len: len of nil pointer'],
    ["{{printf .nope}}", 'template: t:1:9: executing "t" at <.nope>: wrong type for value; expected string; got interface {}'],
  ])("Helm mode: %s", (text, message) => {
    const functions: FunctionMap = { upper: { params: ["string"], fn: (s) => (s as string).toUpperCase() } };
    expect(failure(text, { Values: {} }, { missingKey: "zero", helmNoValue: true, functions })).toBe(message);
  });

  test("helmNoValue removes every <no value>, even literal text, as Helm does", () => {
    expect(render("<no value>|{{.x}}|{{.y}}", { y: 1 }, { missingKey: "zero", helmNoValue: true })).toBe("||1");
  });
});

describe("executeTemplate() GoStruct", () => {
  const data = { Files: new Files({ "a.txt": "A\nB", "b.txt": "b" }), Release: new Release() };

  test("fields and methods", () => {
    expect(render("{{.Release.Name}}/{{.Release.Namespace}} {{.Release.IsInstall}}", data)).toBe("demo/default true");
    expect(render('{{.Files.Get "a.txt"}}|{{"b.txt" | .Files.Get}}', data)).toBe("A\nB|b");
    expect(render('{{range .Files.Glob "a*"}}{{.}}{{end}}', data)).toBe("a.txt");
    expect(render('{{$f := .Files}}{{$f.Get "b.txt"}}', data)).toBe("b");
  });

  test("a nil field is a nil interface", () => {
    expect(render("[{{.Release.Labels}}]", data)).toBe("[<no value>]");
    expect(failure("{{.Release.Labels.app}}", data)).toBe(
      'template: t:1:10: executing "t" at <.Release.Labels.app>: nil pointer evaluating interface {}.app',
    );
  });

  test("unknown and unexported fields", () => {
    expect(failure("{{.Release.Nope}}", data)).toBe(
      'template: t:1:10: executing "t" at <.Release.Nope>: can\'t evaluate field Nope in type interface {}',
    );
    expect(failure("{{.secret}}", new Release())).toBe(
      'template: t:1:2: executing "t" at <.secret>: can\'t evaluate field secret in type *chart.Release',
    );
  });

  test("method arity and argument types", () => {
    expect(failure("{{.Files.Get}}", data)).toBe(
      'template: t:1:8: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0',
    );
    expect(failure("{{.Files.Get 3}}", data)).toBe(
      'template: t:1:13: executing "t" at <3>: expected string; found 3',
    );
    expect(failure('{{.Files.Lines "a"}}', data)).toBe(
      'template: t:1:8: executing "t" at <.Files.Lines>: wrong number of args for Lines: want 2 got 1',
    );
  });

  test("a method that throws", () => {
    expect(failure("{{.Files.Fail}}", data)).toBe(
      'template: t:1:8: executing "t" at <.Files.Fail>: error calling Fail: no such file',
    );
  });

  test("a field with arguments", () => {
    expect(failure('{{.Release.Name "x"}}', data)).toBe(
      'template: t:1:10: executing "t" at <.Release.Name>: Name has arguments but cannot be invoked as function',
    );
  });

  test("printing uses String(), else the exported fields", () => {
    expect(render("{{.}} {{print .}} {{printf \"%s|%d\" . .Major}}", new Version(3n))).toBe("v3.0.0 v3.0.0 v3.0.0|3");
    expect(render("{{.}}", new Release())).toBe("{demo default true <nil>}");
    expect(render("{{printf \"%+v\" .}}", new Release())).toBe("{Name:demo Namespace:default IsInstall:true Labels:<nil>}");
    expect(render("{{printf \"%T\" .}}", new Release())).toBe("*chart.Release");
  });
});

describe("executeTemplate() named map types with methods (goUnderlying)", () => {
  class FileMap extends GoStruct {
    readonly goTypeName = "engine.files";
    readonly #files: Record<string, Uint8Array>;
    constructor(files: Record<string, string>) {
      super();
      this.#files = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, new TextEncoder().encode(text)]));
    }
    override goUnderlying() {
      return withGoType({ ...this.#files }, "map[string][]uint8");
    }
    Get(name: string): string {
      return new TextDecoder().decode(this.#files[name] ?? new Uint8Array());
    }
  }
  const data = { Files: new FileMap({ "b.txt": "B", "a.txt": "A" }), Empty: new FileMap({}) };

  test("range, len, index, keys as fields, truth and printing use the map", () => {
    expect(render("{{range $path, $bytes := .Files}}{{$path}}={{printf \"%s\" $bytes}} {{end}}", data)).toBe("a.txt=A b.txt=B ");
    expect(render('{{len .Files}} {{index .Files "a.txt"}} {{printf "%s" (index .Files "b.txt")}}', data)).toBe("2 [65] B");
    expect(render("{{if .Files}}yes{{end}}{{if .Empty}}no{{else}}empty{{end}}", data)).toBe("yesempty");
    expect(render('{{.Files.Get "a.txt"}} [{{.Files.nope}}] {{.Empty}}', data)).toBe("A [<no value>] map[]");
  });
});

describe("executeTemplate() call and functions in data", () => {
  const data = {
    add: ((a: GoValue, b: GoValue) => (a as bigint) + (b as bigint)) as GoValue,
    boom: (() => {
      throw new Error("bang");
    }) as GoValue,
    echo: ((...args: GoValue[]) => args) as GoValue,
  };

  test("call runs a GoFunction with its arguments", () => {
    expect(render("{{call .add 1 2}}", data)).toBe("3");
    expect(render("{{call .echo .nope 1}}", data)).toBe("[<nil> 1]");
  });

  test("call reports the function's error", () => {
    expect(failure("{{call .boom}}", data)).toBe('template: t:1:2: executing "t" at <call .boom>: error calling call: bang');
  });

  test("a function value cannot be printed or given arguments as a field", () => {
    expect(failure("{{.add}}", data)).toBe(
      'template: t:1:2: executing "t" at <{{.add}}>: can\'t print {{.add}} of type func(...interface {}) interface {}',
    );
    expect(failure("{{.add 1}}", data)).toBe(
      'template: t:1:2: executing "t" at <.add>: add is not a method but has arguments',
    );
  });
});

describe("executeTemplate() typed function parameters", () => {
  const seen: GoValue[] = [];
  const record = (value: GoValue) => {
    seen.push(value);
    return "ok";
  };
  const functions: FunctionMap = {
    takeSlice: { params: ["slice"], fn: record },
    takeMap: { params: ["map"], fn: record },
    takeStrings: { params: ["strings"], fn: record },
    takeBytes: { params: ["bytes"], fn: record },
    takeFloat: { params: ["float64"], fn: record },
    takeAny: { params: ["any"], fn: record },
    manyInts: { params: ["string"], variadic: "int", fn: (...args) => args.length - 1 },
    strings: { params: [], fn: () => withGoType(["a", "b"], "[]string") },
    bytes: { params: [], fn: () => new Uint8Array([104, 105]) },
    nothing: { params: [], fn: () => null },
  };
  const run = (text: string, data: GoValue = { l: [1], m: { a: 1 }, s: "x", n: 1.5 }) =>
    render(text, data, { functions });
  const fail = (text: string, data: GoValue = { l: [1], m: { a: 1 }, s: "x" }) => failure(text, data, { functions });

  test("values of the right type pass, missing and nil ones arrive as null", () => {
    seen.length = 0;
    run("{{takeSlice .l}}{{takeMap .m}}{{takeStrings strings}}{{takeBytes bytes}}{{takeFloat 2}}{{takeFloat .n}}");
    run("{{takeSlice nil}}{{takeMap .nope}}{{takeAny .nope}}{{takeAny nil}}{{takeStrings nil}}");
    expect(seen).toEqual([[1], { a: 1 }, ["a", "b"], new Uint8Array([104, 105]), 2, 1.5, null, null, null, null, null]);
  });

  test.each([
    ["{{takeSlice .m}}", "<.m>: wrong type for value; expected []interface {}; got map[string]interface {}"],
    ["{{takeSlice strings}}", "<strings>: wrong type for value; expected []interface {}; got []string"],
    ["{{takeStrings .l}}", "<.l>: wrong type for value; expected []string; got []interface {}"],
    ["{{takeMap .l}}", "<.l>: wrong type for value; expected map[string]interface {}; got []interface {}"],
    ["{{takeBytes .s}}", "<.s>: wrong type for value; expected []uint8; got string"],
    ['{{takeSlice "x"}}', '<"x">: can\'t handle "x" for arg of type []interface {}'],
    ["{{takeMap 1}}", "<1>: can't handle 1 for arg of type map[string]interface {}"],
    ["{{takeFloat true}}", "<true>: expected float; found true"],
    ['{{takeFloat "1"}}', '<"1">: expected float; found "1"'],
    ["{{takeFloat nil}}", "<nil>: cannot assign nil to float64"],
    // Go names the last node it evaluated, not the argument: here `.s`, inside the parentheses.
    ["{{takeFloat (len .s)}}", "<.s>: wrong type for value; expected float64; got int"],
    ['{{manyInts "a" 1 2.5}}', "<2.5>: expected integer; found 2.5"],
    ["{{manyInts}}", "<manyInts>: wrong number of args for manyInts: want at least 1 got 0"],
    ["{{takeAny nothing.x}}", "<nothing>: nil pointer evaluating interface {}.x"],
  ])("%s", (text, message) => {
    expect(fail(text)).toEndWith(message);
  });

  test("variadic typed parameters and the final pipeline value", () => {
    expect(run('{{manyInts "a" 1 2 3}}')).toBe("3");
    expect(run('{{3 | manyInts "a" 1}}')).toBe("2");
    expect(fail('{{"x" | manyInts "a"}}')).toEndWith('<"a">: wrong type for value; expected int; got string');
  });

  test("a function named like a builtin replaces it", () => {
    const own: FunctionMap = { len: { params: ["any"], fn: () => "mine" } };
    expect(render("{{len 1}}", null, { functions: own })).toBe("mine");
  });
});

describe("executeTemplate() builtins hidden from the vectors by sprig", () => {
  // sprig's `slice` replaces Go's in tplrender and in Helm; these follow Go's funcs.go.
  test.each([
    ['{{slice "abcdef" 1 3}}|{{slice "abcdef" 2}}|{{slice "abcdef"}}', "bc|cdef|abcdef"],
    ["{{slice .l 1 3}}|{{slice .l 2}}|{{slice .l}}|{{slice .l 1 2 3}}", "[2 3]|[3 4]|[1 2 3 4]|[2]"],
    ['[{{slice "abc" 3}}]', "[]"],
    ['{{printf "%T" (slice .l 1)}}', "[]interface {}"],
  ])("slice: %s", (text, want) => {
    expect(render(text, { l: [1, 2, 3, 4] })).toBe(want);
  });

  test.each([
    ['{{slice "abc" 0 1 2}}', "cannot 3-index slice a string"],
    ["{{slice .l 0 1 2 3}}", "too many slice indexes: 4"],
    ["{{slice .l 2 1}}", "invalid slice index: 2 > 1"],
    ["{{slice .l 0 3 2}}", "invalid slice index: 3 > 2"],
    ['{{slice "abc" 0 4}}', "index out of range: 4"],
    ['{{slice "abc" -1}}', "index out of range: -1"],
    ["{{slice .l .f}}", "cannot index slice/array with type float64"],
    ["{{slice .nope 1}}", "slice of untyped nil"],
    ["{{slice .m 1}}", "can't slice item of type map[string]interface {}"],
    ["{{slice .f 1}}", "can't slice item of type float64"],
  ])("slice error: %s", (text, message) => {
    expect(failure(text, { l: [1, 2, 3, 4], f: 1, m: {} })).toEndWith(`error calling slice: ${message}`);
  });
});

describe("executeTemplate() errors", () => {
  test("exec errors are TemplateErrors with a 1-based location", () => {
    try {
      render("line\n  {{.a.b}}", { a: 1 });
      throw new Error("no error");
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect(error).toBeInstanceOf(SyntaxError);
      const templateError = error as TemplateError;
      expect(templateError.message).toBe(
        'template: t:2:6: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}',
      );
      expect(templateError.location).toEqual({ file: "t", line: 2, column: 7 });
      expect(templateError.phase).toBe("exec");
    }
  });

  test("an error inside a function keeps the function's message", () => {
    const functions: FunctionMap = {
      fail: {
        params: ["string"],
        fn: (message) => {
          throw new Error(message as string);
        },
      },
    };
    expect(failure('{{fail "x: y"}}', null, { functions })).toBe('template: t:1:2: executing "t" at <fail "x: y">: error calling fail: x: y');
  });
});
