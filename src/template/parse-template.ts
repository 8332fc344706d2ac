import { isGoSpace } from "./unicode-class.ts";
import { parseGoNumber } from "./parse-go-number.ts";
import { quoteGoString } from "./quote-go-string.ts";
import { TemplateError } from "./template-error.ts";
import { isKeyword, TemplateLexer, type Item, type ItemType } from "./template-lexer.ts";
import {
  nodeString,
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type ElseNode,
  type EndNode,
  type ListNode,
  type Node,
  type NodeSource,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from "./template-node.ts";
import { unquoteGoString } from "./unquote-go-string.ts";
import { utf8Length } from "./utf8-bytes.ts";

/** One parsed template: its name and body (Go's parse.Tree). */
export interface ParsedTemplate {
  readonly name: string;
  readonly root: ListNode;
  readonly source: NodeSource;
}

/**
 * Go's parse.Parse: the templates that `text` defines, by name — the text itself under `name`,
 * plus every `{{define}}` and `{{block}}`. Identifiers must be functions `hasFunction` knows.
 * @throws {TemplateError} with Go's message, e.g. `template: NAME:3: unexpected {{end}}`
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): Map<string, ParsedTemplate> {
  const treeSet = new Map<string, ParsedTemplate>();
  const source: NodeSource = { parseName: name, text };
  const tree = new TreeParser(name, source, new TemplateLexer(text), treeSet, hasFunction);
  tree.parse();
  tree.add();
  return treeSet;
}

/** Go's parse.IsEmptyTree: only space, comments and empty lists. */
export function isEmptyTree(node: Node | null): boolean {
  if (node === null) return true;
  switch (node.type) {
    case "comment":
      return true;
    case "list":
      return node.nodes.every(isEmptyTree);
    case "text":
      return isBlank(node.text);
    default:
      return false;
  }
}

function isBlank(text: string): boolean {
  for (const char of text) if (!isGoSpace(char.codePointAt(0)!)) return false;
  return true;
}

class TreeParser {
  name: string;
  root: ListNode | null = null;
  readonly #source: NodeSource;
  readonly #lex: TemplateLexer;
  readonly #treeSet: Map<string, ParsedTemplate>;
  readonly #hasFunction: (name: string) => boolean;
  readonly #token: Item[] = [];
  #peekCount = 0;
  #vars: string[] = ["$"];
  #actionLine = 0;
  #rangeDepth = 0;

  constructor(
    name: string,
    source: NodeSource,
    lex: TemplateLexer,
    treeSet: Map<string, ParsedTemplate>,
    hasFunction: (name: string) => boolean,
  ) {
    this.name = name;
    this.#source = source;
    this.#lex = lex;
    this.#treeSet = treeSet;
    this.#hasFunction = hasFunction;
  }

  // --- tokens ---

  #next(): Item {
    if (this.#peekCount > 0) this.#peekCount--;
    else this.#token[0] = this.#lex.nextItem();
    return this.#token[this.#peekCount]!;
  }

  #backup(): void {
    this.#peekCount++;
  }

  #backup2(t1: Item): void {
    this.#token[1] = t1;
    this.#peekCount = 2;
  }

  #backup3(t2: Item, t1: Item): void {
    this.#token[1] = t1;
    this.#token[2] = t2;
    this.#peekCount = 3;
  }

  #peek(): Item {
    if (this.#peekCount > 0) return this.#token[this.#peekCount - 1]!;
    this.#peekCount = 1;
    this.#token[0] = this.#lex.nextItem();
    return this.#token[0];
  }

  #nextNonSpace(): Item {
    let token: Item;
    do token = this.#next();
    while (token.typ === "space");
    return token;
  }

  #peekNonSpace(): Item {
    const token = this.#nextNonSpace();
    this.#backup();
    return token;
  }

  // --- errors ---

  errorf(message: string): never {
    this.root = null;
    const token = this.#token[0];
    const line = token?.line ?? 1;
    const text = this.#source.text;
    const pos = token?.pos ?? 0;
    const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
    throw new TemplateError(`template: ${this.#source.parseName}:${line}: ${message}`, {
      location: { file: this.#source.parseName, line, column: utf8Length(text.slice(lineStart, pos)) + 1 },
      templateName: this.name,
      phase: "parse",
    });
  }

  #expect(expected: ItemType, context: string): Item {
    const token = this.#nextNonSpace();
    if (token.typ !== expected) this.#unexpected(token, context);
    return token;
  }

  #expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.#nextNonSpace();
    if (token.typ !== expected1 && token.typ !== expected2) this.#unexpected(token, context);
    return token;
  }

  #unexpected(token: Item, context: string): never {
    if (token.typ === "error") {
      let extra = "";
      if (this.#actionLine !== 0 && this.#actionLine !== token.line) {
        extra = ` in action started at ${this.#source.parseName}:${this.#actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${token.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  #unquote(literal: string): string {
    try {
      return unquoteGoString(literal);
    } catch (error) {
      this.errorf((error as Error).message);
    }
  }

  // --- structure ---

  add(): void {
    const existing = this.#treeSet.get(this.name);
    if (!existing || isEmptyTree(existing.root)) {
      this.#treeSet.set(this.name, { name: this.name, root: this.root!, source: this.#source });
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${quoteGoString(this.name)}`);
  }

  #child(name: string): TreeParser {
    return new TreeParser(name, this.#source, this.#lex, this.#treeSet, this.#hasFunction);
  }

  parse(): void {
    this.root = this.#newList(this.#peek().pos);
    while (this.#peek().typ !== "EOF") {
      if (this.#peek().typ === "leftDelim") {
        const delim = this.#next();
        if (this.#nextNonSpace().typ === "define") {
          const definition = this.#child("definition");
          definition.#parseDefinition();
          continue;
        }
        this.#backup2(delim);
      }
      const node = this.#textOrAction();
      if (node.type === "end" || node.type === "else") this.errorf(`unexpected ${nodeString(node)}`);
      this.root.nodes.push(node);
    }
  }

  #parseDefinition(): void {
    const context = "define clause";
    const name = this.#expectOneOf("string", "rawString", context);
    this.name = this.#unquote(name.val);
    this.#expect("rightDelim", context);
    const [list, end] = this.#itemList();
    this.root = list;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  #itemList(): [ListNode, ElseNode | EndNode] {
    const list = this.#newList(this.#peekNonSpace().pos);
    while (this.#peekNonSpace().typ !== "EOF") {
      const node = this.#textOrAction();
      if (node.type === "end" || node.type === "else") return [list, node];
      list.nodes.push(node);
    }
    this.errorf("unexpected EOF");
  }

  #textOrAction(): Node {
    const token = this.#nextNonSpace();
    switch (token.typ) {
      case "text":
        return { type: "text", pos: token.pos, source: this.#source, text: token.val };
      case "leftDelim":
        this.#actionLine = token.line;
        try {
          return this.#action();
        } finally {
          this.#actionLine = 0;
        }
      default:
        this.#unexpected(token, "input");
    }
  }

  #action(): Node {
    const token = this.#nextNonSpace();
    switch (token.typ) {
      case "block":
        return this.#blockControl();
      case "break":
        return this.#breakControl(token.pos, token.line, "break");
      case "continue":
        return this.#breakControl(token.pos, token.line, "continue");
      case "else":
        return this.#elseControl();
      case "end":
        return this.#endControl();
      case "if":
        return this.#branch("if");
      case "range":
        return this.#branch("range");
      case "template":
        return this.#templateControl();
      case "with":
        return this.#branch("with");
    }
    this.#backup();
    const peeked = this.#peek();
    return {
      type: "action",
      pos: peeked.pos,
      line: peeked.line,
      source: this.#source,
      pipe: this.#pipeline("command", "rightDelim"),
    };
  }

  #breakControl(pos: number, line: number, keyword: "break" | "continue"): Node {
    const token = this.#nextNonSpace();
    if (token.typ !== "rightDelim") this.#unexpected(token, `{{${keyword}}}`);
    if (this.#rangeDepth === 0) this.errorf(`{{${keyword}}} outside {{range}}`);
    return { type: keyword, pos, line, source: this.#source };
  }

  #pipeline(context: string, end: ItemType): PipeNode {
    const first = this.#peekNonSpace();
    const pipe: PipeNode = {
      type: "pipe",
      pos: first.pos,
      line: first.line,
      source: this.#source,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.#peekNonSpace();
      if (v.typ === "variable") {
        this.#next();
        const tokenAfterVariable = this.#peek();
        const next = this.#peekNonSpace();
        if (next.typ === "assign" || next.typ === "declare") {
          pipe.isAssign = next.typ === "assign";
          this.#nextNonSpace();
          pipe.decl.push(this.#newVariable(v.pos, v.val));
          this.#vars.push(v.val);
        } else if (next.typ === "char" && next.val === ",") {
          this.#nextNonSpace();
          pipe.decl.push(this.#newVariable(v.pos, v.val));
          this.#vars.push(v.val);
          if (context === "range" && pipe.decl.length < 2) {
            const after = this.#peekNonSpace().typ;
            if (after === "variable" || after === "rightDelim" || after === "rightParen") continue decls;
            this.errorf("range can only initialize variables");
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === "space") this.#backup3(v, tokenAfterVariable);
        else this.#backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.#nextNonSpace();
      switch (token.typ) {
        case end:
          this.#checkPipeline(pipe, context);
          return pipe;
        case "bool":
        case "charConstant":
        case "complex":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.#backup();
          pipe.cmds.push(this.#command());
          break;
        default:
          this.#unexpected(token, context);
      }
    }
  }

  #checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((command, index) => {
      const first = command.args[0]!.type;
      if (first === "bool" || first === "dot" || first === "nil" || first === "number" || first === "string") {
        this.errorf(`non executable command in pipeline stage ${index + 2}`);
      }
    });
  }

  #parseControl(context: "if" | "range" | "with"): BranchNode {
    const mark = this.#vars.length;
    try {
      const pipe = this.#pipeline(context, "rightDelim");
      if (context === "range") this.#rangeDepth++;
      let [list, next] = this.#itemList();
      if (context === "range") this.#rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === "else") {
        // "else if" (and, since Go 1.23, "else with"): {{else}}{{if …}}…{{end}}{{end}} with one {{end}}.
        const chained = this.#peek().typ;
        if ((context === "if" && chained === "if") || (context === "with" && chained === "with")) {
          this.#next();
          elseList = this.#newList(next.pos);
          elseList.nodes.push(this.#branch(context));
        } else {
          [elseList, next] = this.#itemList();
          if (next.type !== "end") this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, source: this.#source, pipe, list, elseList };
    } finally {
      this.#vars.length = mark;
    }
  }

  #branch(context: "if" | "range" | "with"): BranchNode {
    return this.#parseControl(context);
  }

  #endControl(): EndNode {
    return { type: "end", pos: this.#expect("rightDelim", "end").pos, source: this.#source };
  }

  #elseControl(): ElseNode {
    const peek = this.#peekNonSpace();
    if (peek.typ === "if" || peek.typ === "with") {
      return { type: "else", pos: peek.pos, line: peek.line, source: this.#source };
    }
    const token = this.#expect("rightDelim", "else");
    return { type: "else", pos: token.pos, line: token.line, source: this.#source };
  }

  #blockControl(): TemplateNode {
    const context = "block clause";
    const token = this.#nextNonSpace();
    const name = this.#parseTemplateName(token, context);
    const pipe = this.#pipeline(context, "rightDelim");
    const block = this.#child(name);
    const [list, end] = block.#itemList();
    block.root = list;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { type: "template", pos: token.pos, line: token.line, source: this.#source, name, pipe };
  }

  #templateControl(): TemplateNode {
    const context = "template clause";
    const token = this.#nextNonSpace();
    const name = this.#parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.#nextNonSpace().typ !== "rightDelim") {
      this.#backup();
      pipe = this.#pipeline(context, "rightDelim");
    }
    return { type: "template", pos: token.pos, line: token.line, source: this.#source, name, pipe };
  }

  #parseTemplateName(token: Item, context: string): string {
    if (token.typ === "string" || token.typ === "rawString") return this.#unquote(token.val);
    this.#unexpected(token, context);
  }

  #command(): CommandNode {
    const command: CommandNode = { type: "command", pos: this.#peekNonSpace().pos, source: this.#source, args: [] };
    for (;;) {
      this.#peekNonSpace();
      const operand = this.#operand();
      if (operand) command.args.push(operand);
      const token = this.#next();
      if (token.typ === "space") continue;
      if (token.typ === "rightDelim" || token.typ === "rightParen") this.#backup();
      else if (token.typ !== "pipe") this.#unexpected(token, "operand");
      break;
    }
    if (command.args.length === 0) this.errorf("empty command");
    return command;
  }

  #operand(): ArgNode | null {
    let node = this.#term();
    if (!node) return null;
    if (this.#peek().typ === "field") {
      const pos = this.#peek().pos;
      const fields: string[] = [];
      while (this.#peek().typ === "field") fields.push(this.#next().val.slice(1));
      const chain: ArgNode = { type: "chain", pos, source: this.#source, node, field: fields };
      switch (node.type) {
        case "field":
          node = { type: "field", pos, source: this.#source, ident: [...node.ident, ...fields] };
          break;
        case "variable":
          node = { type: "variable", pos, source: this.#source, ident: [...node.ident, ...fields] };
          break;
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          this.errorf(`unexpected . after term ${quoteGoString(nodeString(node))}`);
        default:
          node = chain;
      }
    }
    return node;
  }

  #term(): ArgNode | null {
    const token = this.#nextNonSpace();
    const base = { pos: token.pos, source: this.#source };
    switch (token.typ) {
      case "identifier":
        if (!this.#hasFunction(token.val)) this.errorf(`function ${quoteGoString(token.val)} not defined`);
        return { type: "identifier", ...base, ident: token.val };
      case "dot":
        return { type: "dot", ...base };
      case "nil":
        return { type: "nil", ...base };
      case "variable":
        return this.#useVar(token.pos, token.val);
      case "field":
        return { type: "field", ...base, ident: token.val.slice(1).split(".") };
      case "bool":
        return { type: "bool", ...base, value: token.val === "true" };
      case "charConstant":
      case "complex":
      case "number": {
        const kind = token.typ === "charConstant" ? "char" : token.typ === "complex" ? "complex" : "number";
        try {
          return { type: "number", ...base, text: token.val, ...parseGoNumber(token.val, kind) };
        } catch (error) {
          if (error instanceof TemplateError) throw error;
          this.errorf((error as Error).message);
        }
      }
      case "leftParen":
        return this.#pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        return { type: "string", ...base, quoted: token.val, text: this.#unquote(token.val) };
    }
    this.#backup();
    return null;
  }

  #useVar(pos: number, name: string): VariableNode {
    const variable = this.#newVariable(pos, name);
    if (!this.#vars.includes(variable.ident[0]!)) this.errorf(`undefined variable ${quoteGoString(variable.ident[0]!)}`);
    return variable;
  }

  #newVariable(pos: number, ident: string): VariableNode {
    return { type: "variable", pos, source: this.#source, ident: ident.split(".") };
  }

  #newList(pos: number): ListNode {
    return { type: "list", pos, source: this.#source, nodes: [] };
  }
}

/** Go's item.String() in "unexpected …" messages. */
function itemString(item: Item): string {
  if (item.typ === "EOF") return "EOF";
  if (item.typ === "error") return item.val;
  if (isKeyword(item.typ)) return `<${item.val}>`;
  if (utf8Length(item.val) > 10) return `${quoteGoString([...item.val].slice(0, 10).join(""))}...`;
  return quoteGoString(item.val);
}
