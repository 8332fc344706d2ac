import { describe, expect, test } from "bun:test";
import type { GoValue } from "../../src/template/go-value.ts";
import { renderTemplate } from "../../src/template/render-template.ts";
import { TemplateError } from "../../src/template/template-error.ts";
import type { FunctionMap, TemplateRuntime } from "../../src/template/template-function.ts";
import { TemplateSet } from "../../src/template/template-set.ts";
import { UserInputError } from "../../src/util/source-location.ts";

/** include/tpl as thin wrappers of the runtime (the real ones live in the function library). */
function helmLike(runtime: () => TemplateRuntime): FunctionMap {
  return {
    include: { params: ["string", "any"], fn: (name, data) => runtime().include(name as string, data as GoValue) },
    tpl: { params: ["string", "any"], fn: (text, data) => runtime().tpl(text as string, data as GoValue) },
  };
}

function helmSet(options: { missingKey?: "default" | "zero"; helmNoValue?: boolean } = {}): TemplateSet {
  let runtime: TemplateRuntime | undefined;
  const set = new TemplateSet({ ...options, functions: helmLike(() => runtime!) });
  runtime = set.runtime();
  return set;
}

describe("TemplateSet", () => {
  test("parse adds the template and its defines; has and names list them", () => {
    const set = new TemplateSet();
    set.parse("main.yaml", '{{define "a"}}A{{end}}{{block "b" .}}B{{end}}body');
    expect(set.names()).toEqual(["a", "b", "main.yaml"]);
    expect(set.has("a")).toBe(true);
    expect(set.has("c")).toBe(false);
    expect(set.execute("main.yaml", null)).toBe("Bbody");
    expect(set.execute("a", null)).toBe("A");
  });

  test("a later parse replaces a define; an empty body does not", () => {
    const set = new TemplateSet();
    set.parse("one", '{{define "x"}}first{{end}}{{template "x"}}');
    set.parse("two", '{{define "x"}}second{{end}}');
    expect(set.execute("one", null)).toBe("second");
    set.parse("three", '{{define "x"}}  {{end}}');
    expect(set.execute("one", null)).toBe("second");
  });

  test("defining one name twice in one text fails, as in Go", () => {
    const set = new TemplateSet();
    expect(() => set.parse("t", '{{define "x"}}1{{end}}{{define "x"}}2{{end}}')).toThrow(
      'template: t:1: template: multiple definition of template "x"',
    );
  });

  test("a failed parse adds nothing", () => {
    const set = new TemplateSet();
    expect(() => set.parse("t", '{{define "x"}}1{{end}}{{.a')).toThrow(TemplateError);
    expect(set.names()).toEqual([]);
  });

  test("executing an unknown name", () => {
    expect(() => new TemplateSet({ name: "gotpl" }).execute("nope", null)).toThrow(
      'template: no template "nope" associated with template "gotpl"',
    );
  });

  test("functions unknown when parsing are parse errors", () => {
    const set = new TemplateSet({ functions: { known: { params: [], fn: () => "k" } } });
    set.parse("ok", "{{known}}");
    expect(() => set.parse("bad", "line\n{{unknown 1}}")).toThrow('template: bad:2: function "unknown" not defined');
  });

  test("parse errors are TemplateErrors (UserInputError, SyntaxError) with a location", () => {
    try {
      new TemplateSet().parse("deploy.yaml", "a\nb {{ if }}");
      throw new Error("no error");
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect(error).toBeInstanceOf(UserInputError);
      expect(error).toBeInstanceOf(SyntaxError);
      const templateError = error as TemplateError;
      expect(templateError.message).toBe("template: deploy.yaml:2: missing value for if");
      expect(templateError.location).toEqual({ file: "deploy.yaml", line: 2, column: 9 });
      expect(templateError.phase).toBe("parse");
    }
  });

  test("clone is independent", () => {
    const set = new TemplateSet();
    set.parse("t", '{{define "x"}}X{{end}}{{template "x"}}');
    const copy = set.clone();
    copy.parse("more", '{{define "x"}}Y{{end}}');
    expect(copy.execute("t", null)).toBe("Y");
    expect(set.execute("t", null)).toBe("X");
    expect(set.has("more")).toBe(false);
  });

  test("the same set can execute many times and nested", () => {
    const set = helmSet();
    set.parse("inner", "<{{.}}>");
    set.parse("outer", '{{include "inner" .a}}{{include "inner" .b}}');
    expect(set.execute("outer", { a: 1, b: 2 })).toBe("<1><2>");
    expect(set.execute("outer", { a: 3, b: 4 })).toBe("<3><4>");
  });
});

describe("TemplateSet.runtime()", () => {
  test("include executes a template of the set", () => {
    const set = helmSet();
    set.parse("_helpers.tpl", '{{define "name"}}{{.Release.Name}}-app{{end}}');
    set.parse("deploy.yaml", 'name: {{include "name" .}}');
    expect(set.execute("deploy.yaml", { Release: { Name: "r" } })).toBe("name: r-app");
  });

  test("tpl sees the set's defines, and its own defines are visible to include inside it only", () => {
    const set = helmSet();
    set.parse("h", '{{define "d"}}D{{end}}');
    set.parse("t", '{{tpl "{{template \\"d\\"}}{{define \\"own\\"}}O{{end}}{{include \\"own\\" .}}" .}}');
    expect(set.execute("t", null)).toBe("DO");
    expect(set.has("own")).toBe(false);
  });

  test("tpl runs its text even when the body is empty and the set's name exists", () => {
    const set = new TemplateSet({ name: "gotpl" });
    set.parse("gotpl", "outer");
    expect(set.runtime().tpl('{{define "x"}}{{end}}', null)).toBe("");
  });

  test("tpl errors name the set", () => {
    const set = new TemplateSet();
    expect(() => set.runtime().tpl("{{.a.b}}", { a: 1 })).toThrow(
      'template: gotpl:1:4: executing "gotpl" at <.a.b>: can\'t evaluate field b in type interface {}',
    );
  });

  test("tpl follows the set's options", () => {
    const set = helmSet({ missingKey: "zero", helmNoValue: true });
    set.parse("t", '[{{tpl "{{.nope}}" .}}]');
    expect(set.execute("t", {})).toBe("[]");
    expect(helmSet().runtime().tpl("{{.nope}}", {})).toBe("<no value>");
  });

  test("with helmNoValue, include keeps <no value> (Helm strips only the file and tpl)", () => {
    const set = helmSet({ missingKey: "zero", helmNoValue: true });
    set.parse("x", "[{{.nope}}]");
    expect(set.runtime().include("x", {})).toBe("[<no value>]");
    expect(set.execute("x", {})).toBe("[]");
    expect(set.runtime().tpl("[{{.nope}}]", {})).toBe("[]");
  });

  test("outside any execution the runtime acts on its own set", () => {
    const set = new TemplateSet();
    set.parse("x", "X{{.}}");
    expect(set.runtime().include("x", 1)).toBe("X1");
  });
});

describe("renderTemplate()", () => {
  test("renders one text with its defines", () => {
    expect(renderTemplate('{{define "x"}}{{.}}{{end}}{{template "x" .a}}', { a: "A" })).toBe("A");
  });

  test("names the template in messages", () => {
    expect(() => renderTemplate("{{.a.b}}", { a: 1 }, { name: "kubeadm.yaml" })).toThrow(
      'template: kubeadm.yaml:1:4: executing "kubeadm.yaml" at <.a.b>',
    );
    expect(() => renderTemplate("{{", null)).toThrow("template: template:1: unclosed action");
  });
});
