import { quoteGoString } from "./quote-go-string.ts";

/** The source a node was parsed from, for `NAME:LINE:COL` in messages (Go's tree.ParseName, text). */
export interface NodeSource {
  readonly parseName: string;
  readonly text: string;
}

interface Base {
  /** Index of the node's first character in `source.text`. */
  readonly pos: number;
  readonly source: NodeSource;
}

export interface TextNode extends Base {
  readonly type: "text";
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly type: "comment";
  readonly text: string;
}
export interface ActionNode extends Base {
  readonly type: "action";
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface PipeNode extends Base {
  readonly type: "pipe";
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base {
  readonly type: "command";
  readonly args: ArgNode[];
}
export interface IdentifierNode extends Base {
  readonly type: "identifier";
  readonly ident: string;
}
export interface VariableNode extends Base {
  readonly type: "variable";
  /** The variable's name (with its `$`), then the fields that follow it. */
  readonly ident: readonly string[];
}
export interface DotNode extends Base {
  readonly type: "dot";
}
export interface NilNode extends Base {
  readonly type: "nil";
}
export interface FieldNode extends Base {
  readonly type: "field";
  readonly ident: readonly string[];
}
export interface ChainNode extends Base {
  readonly type: "chain";
  readonly node: ArgNode;
  readonly field: string[];
}
export interface BoolNode extends Base {
  readonly type: "bool";
  readonly value: boolean;
}
/** A number constant, held in every representation it fits, like Go's ideal constants. */
export interface NumberNode extends Base {
  readonly type: "number";
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
  readonly text: string;
}
export interface StringNode extends Base {
  readonly type: "string";
  readonly quoted: string;
  readonly text: string;
}
export interface BranchNode extends Base {
  readonly type: "if" | "range" | "with";
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  readonly type: "template";
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface ListNode extends Base {
  readonly type: "list";
  readonly nodes: Node[];
}
export interface BreakNode extends Base {
  readonly type: "break";
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly type: "continue";
  readonly line: number;
}
/** `{{else}}` and `{{end}}` while parsing; never in a finished tree. */
export interface ElseNode extends Base {
  readonly type: "else";
  readonly line: number;
}
export interface EndNode extends Base {
  readonly type: "end";
}

/** What can appear as an operand of a command. */
export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ArgNode
  | TextNode
  | CommentNode
  | ActionNode
  | CommandNode
  | BranchNode
  | TemplateNode
  | ListNode
  | BreakNode
  | ContinueNode
  | ElseNode
  | EndNode;

/** Go's Node.String(): the node written back as template source (used in error messages). */
export function nodeString(node: Node): string {
  switch (node.type) {
    case "text":
      return node.text;
    case "comment":
      return `{{${node.text}}}`;
    case "action":
      return `{{${nodeString(node.pipe)}}}`;
    case "pipe": {
      let out = "";
      if (node.decl.length > 0) out = `${node.decl.map(nodeString).join(", ")} := `;
      return out + node.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return node.args.map((arg) => (arg.type === "pipe" ? `(${nodeString(arg)})` : nodeString(arg))).join(" ");
    case "identifier":
      return node.ident;
    case "variable":
      return node.ident.join(".");
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "field":
      return node.ident.map((id) => `.${id}`).join("");
    case "chain": {
      const head = node.node.type === "pipe" ? `(${nodeString(node.node)})` : nodeString(node.node);
      return head + node.field.map((id) => `.${id}`).join("");
    }
    case "bool":
      return node.value ? "true" : "false";
    case "number":
      return node.text;
    case "string":
      return node.quoted;
    case "if":
    case "range":
    case "with": {
      const elsePart = node.elseList ? `{{else}}${nodeString(node.elseList)}` : "";
      return `{{${node.type} ${nodeString(node.pipe)}}}${nodeString(node.list)}${elsePart}{{end}}`;
    }
    case "template":
      return `{{template ${quoteGoString(node.name)}${node.pipe ? ` ${nodeString(node.pipe)}` : ""}}}`;
    case "list":
      return node.nodes.map(nodeString).join("");
    case "break":
      return "{{break}}";
    case "continue":
      return "{{continue}}";
    case "else":
      return "{{else}}";
    case "end":
      return "{{end}}";
  }
}
