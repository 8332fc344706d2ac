import { describe, expect, test } from "bun:test";
import { isEmptyTree, parseTemplate } from "../../src/template/parse-template.ts";
import { nodeString } from "../../src/template/template-node.ts";

const builtins = (name: string) => ["print", "printf", "len", "index", "eq", "and"].includes(name);

function parse(text: string) {
  return parseTemplate("t", text, builtins);
}

function parseError(text: string): string {
  try {
    parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe("parseTemplate()", () => {
  test.each([
    "a{{.x}}b",
    '{{if .a}}x{{else if .b}}y{{else}}z{{end}}',
    '{{range $i, $v := .l}}{{$i}}{{else}}none{{end}}',
    '{{with $x := .a | printf "%s"}}{{$x}}{{end}}',
    '{{template "x" (index . 1).y}}',
    "{{print 1.5 0x10 'a' `raw` \"q\\n\" true nil}}",
    "{{range .}}{{break}}{{continue}}{{end}}",
  ])("writes %s back as Go's String() does", (text) => {
    const root = parse(text).get("t")!.root;
    expect(nodeString(root)).toBe(text.replace("else if .b}}y{{else}}z{{end}}", "else}}{{if .b}}y{{else}}z{{end}}{{end}}"));
  });

  test("collects defines and blocks as separate templates", () => {
    const trees = parse('{{define "a"}}A{{end}}x{{block "b" .}}B{{end}}');
    expect([...trees.keys()].sort()).toEqual(["a", "b", "t"]);
    expect(nodeString(trees.get("t")!.root)).toBe('x{{template "b" .}}');
  });

  test("records positions for messages (a field chain starts at its second field, as in Go)", () => {
    const action = parse("ab\n  {{.x}}{{.x.y}}").get("t")!.root.nodes;
    const [first, second] = [action[1]!, action[2]!];
    if (first.type !== "action" || second.type !== "action") throw new Error("not actions");
    expect(first.pipe.cmds[0]!.args[0]!.pos).toBe(7);
    expect(second.pipe.cmds[0]!.args[0]!.pos).toBe(15);
  });

  test.each([
    ["{{.a", "template: t:1: unclosed action"],
    ["{{if .a}}", "template: t:1: unexpected EOF"],
    ["{{end}}", "template: t:1: unexpected {{end}}"],
    ["x\n{{else}}", "template: t:2: unexpected {{else}}"],
    ["{{nope}}", 'template: t:1: function "nope" not defined'],
    ["{{$x}}", 'template: t:1: undefined variable "$x"'],
    ["{{if}}{{end}}", "template: t:1: missing value for if"],
    ["{{1 | 2}}", "template: t:1: non executable command in pipeline stage 2"],
    ["{{break}}", "template: t:1: {{break}} outside {{range}}"],
    ['{{"abc}}', "template: t:1: unterminated quoted string"],
    ["{{1x}}", 'template: t:1: bad number syntax: "1x"'],
    ["{{089}}", 'template: t:1: integer overflow: "089"'],
    ["{{1e400}}", 'template: t:1: illegal number syntax: "1e400"'],
    ["{{'ab'}}", "template: t:1: malformed character constant: 'ab'"],
    ['{{"\\q"}}', "template: t:1: invalid syntax"],
    ["{{.x.}}", "template: t:1: unexpected <.> in operand"],
    ["{{print 1 @}}", 'template: t:1: unexpected "@" in operand'],
    ["{{print (1}}", "template: t:1: unclosed left paren"],
    ["{{1.a}}", 'template: t:1: bad number syntax: "1.a"'],
    ['{{"x".a}}', 'template: t:1: unexpected . after term "\\"x\\""'],
    ["{{/* x }}", "template: t:1: unclosed comment"],
    ["{{if .a\n\n}}x", "template: t:3: unexpected EOF"],
    ["{{print 1\n\n", "template: t:3: unclosed action started at t:1"],
    ["{{.a ✓}}", "template: t:1: unrecognized character in action: U+2713 '✓'"],
    ["{{1i}}", 'template: t:1: complex constants are not supported: "1i"'],
  ])("%j fails: %s", (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  test("else with parses as else + with (Go 1.23); else if only after if", () => {
    expect(nodeString(parse("{{with .a}}a{{else with .b}}b{{end}}").get("t")!.root)).toBe(
      "{{with .a}}a{{else}}{{with .b}}b{{end}}{{end}}",
    );
    expect(parseError("{{with .a}}a{{else if .b}}b{{end}}")).toBe("template: t:1: unexpected <if> in input");
  });
});

describe("isEmptyTree()", () => {
  test.each([
    ["", true],
    [" \n\t", true],
    ["{{/* c */}}  ", true],
    ["x", false],
    ["{{.}}", false],
  ])("%j → %p", (text, empty) => {
    expect(isEmptyTree(parse(text).get("t")!.root)).toBe(empty);
  });
});
