import type { EngineFunction, EngineParamType } from "./engine-function.ts";
import { engineFunctionOf } from "./engine-function.ts";
import { canBeNil, goTypeNameOf, isAssignable, zeroOf } from "./param-types.ts";
import { goSprint } from "./go-sprint.ts";
import { goTypeOf, GoStruct, isTruthy, kindOf, underlyingValue, type GoMap, type GoValue } from "./go-value.ts";
import {
  boxElement,
  elementTypeOf,
  InterfaceValue,
  reflectTypeName,
  unbox,
  zeroValueOf,
  type EngineValue,
} from "./interface-value.ts";
import { compareGoStrings } from "./compare-go-strings.ts";
import type { ParsedTemplate } from "./parse-template.ts";
import { quoteGoString } from "./quote-go-string.ts";
import { TemplateError } from "./template-error.ts";
import type { GoParamType } from "./template-function.ts";
import {
  nodeString,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from "./template-node.ts";
import { isUpper } from "./unicode-class.ts";
import { utf8Length } from "./utf8-bytes.ts";

/** What an execution needs from its template set. */
export interface ExecEnvironment {
  readonly missingKey: "default" | "zero" | "error";
  lookup(name: string): ParsedTemplate | undefined;
  findFunction(name: string): { fn: EngineFunction; builtin: boolean } | undefined;
}

/** Go's maxExecDepth: nested {{template}} calls allowed before giving up. */
const MAX_EXEC_DEPTH = 100000;

/** The absent final pipeline value (Go's missingVal). */
const MISSING: unique symbol = Symbol("missing");
type Final = EngineValue | typeof MISSING;

/** Signals of {{break}} and {{continue}}, caught by the enclosing range. */
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

interface Variable {
  readonly name: string;
  value: EngineValue;
}

/**
 * Runs a parsed template the way Go's text/template does (exec.go): pipelines, variables and
 * their scopes, control structures, field and method access, function calls with Go's argument
 * checks, and Go's error messages.
 * @throws {TemplateError} `template: NAME:LINE:COL: executing "NAME" at <…>: …`
 */
export function executeTemplate(env: ExecEnvironment, template: ParsedTemplate, data: GoValue): string {
  const root = data === null ? undefined : data;
  const state = new ExecState(env, template.name, root);
  state.walk(root, template.root);
  return state.output;
}

class ExecState {
  output = "";
  readonly #env: ExecEnvironment;
  #templateName: string;
  #node: Node | null = null;
  #vars: Variable[];
  #depth = 0;

  constructor(env: ExecEnvironment, templateName: string, data: GoValue) {
    this.#env = env;
    this.#templateName = templateName;
    this.#vars = [{ name: "$", value: data }];
  }

  // --- errors and variables ---

  #at(node: Node): void {
    this.#node = node;
  }

  #errorf(message: string): never {
    const name = this.#templateName;
    const node = this.#node;
    if (!node) {
      throw new TemplateError(`template: ${name}: ${message}`, {
        location: { file: name, line: 1, column: 1 },
        templateName: name,
        phase: "exec",
      });
    }
    const { text, parseName } = node.source;
    const before = text.slice(0, node.pos);
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.split("\n").length;
    const column = utf8Length(before.slice(lineStart));
    throw new TemplateError(
      `template: ${parseName}:${line}:${column}: executing ${quoteGoString(name)} at <${nodeString(node)}>: ${message}`,
      { location: { file: parseName, line, column: column + 1 }, templateName: name, phase: "exec" },
    );
  }

  #pop(mark: number): void {
    this.#vars.length = mark;
  }

  #setVar(name: string, value: EngineValue): void {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      if (this.#vars[i]!.name === name) {
        this.#vars[i]!.value = value;
        return;
      }
    }
    this.#errorf(`undefined variable: ${name}`);
  }

  #setTopVar(n: number, value: EngineValue): void {
    this.#vars[this.#vars.length - n]!.value = value;
  }

  #varValue(name: string): EngineValue {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      if (this.#vars[i]!.name === name) return this.#vars[i]!.value;
    }
    this.#errorf(`undefined variable: ${name}`);
  }

  // --- walking ---

  walk(dot: EngineValue, node: Node): void {
    this.#at(node);
    switch (node.type) {
      case "action": {
        const value = this.#evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.#printValue(node, value);
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "comment":
        return;
      case "if":
      case "with":
        this.#walkIfOrWith(node, dot);
        return;
      case "list":
        for (const child of node.nodes) this.walk(dot, child);
        return;
      case "range":
        this.#walkRange(dot, node);
        return;
      case "template":
        this.#walkTemplate(dot, node);
        return;
      case "text":
        this.output += node.text;
        return;
      default:
        this.#errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  #walkIfOrWith(node: BranchNode, dot: EngineValue): void {
    const mark = this.#vars.length;
    try {
      const value = this.#evalPipeline(dot, node.pipe);
      if (isTruthy(concrete(value))) this.walk(node.type === "with" ? value : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.#pop(mark);
    }
  }

  #walkRange(dot: EngineValue, node: BranchNode): void {
    this.#at(node);
    const outer = this.#vars.length;
    try {
      const value = underlyingValue(concrete(this.#evalPipeline(dot, node.pipe)));
      const mark = this.#vars.length;
      const decl = node.pipe.decl;
      const oneIteration = (index: EngineValue, elem: EngineValue): void => {
        if (decl.length > 0) {
          if (node.pipe.isAssign) this.#setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.#setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (node.pipe.isAssign) this.#setVar(decl[1]!.ident[0]!, elem);
          else this.#setTopVar(2, index);
        }
        try {
          this.walk(elem, node.list);
        } catch (signal) {
          if (signal !== CONTINUE) throw signal;
        } finally {
          this.#pop(mark);
        }
      };
      if (this.#iterate(value, decl.length, oneIteration)) return;
      if (node.elseList) this.walk(dot, node.elseList);
    } catch (signal) {
      if (signal !== BREAK) throw signal;
    } finally {
      this.#pop(outer);
    }
  }

  /** Runs the iterations; false when there was nothing to iterate (the else branch runs). */
  #iterate(value: GoValue, declared: number, oneIteration: (index: EngineValue, elem: EngineValue) => void): boolean {
    switch (kindOf(value)) {
      case "slice": {
        const list = value as readonly GoValue[];
        const elemType = elementTypeOf(goTypeOf(value));
        list.forEach((elem, i) => oneIteration(BigInt(i), boxElement(elem, elemType)));
        return list.length > 0;
      }
      case "bytes": {
        const bytes = value as Uint8Array;
        bytes.forEach((byte, i) => oneIteration(BigInt(i), BigInt(byte)));
        return bytes.length > 0;
      }
      case "map": {
        const map = value as GoMap;
        const elemType = elementTypeOf(goTypeOf(value));
        const keys = Object.keys(map)
          .filter((key) => map[key] !== undefined)
          .sort(compareGoStrings);
        for (const key of keys) oneIteration(key, boxElement(map[key], elemType));
        return keys.length > 0;
      }
      case "int": {
        // Go 1.22: range over an integer.
        if (declared > 1) this.#errorf(`can't use ${goSprint(value)} to iterate over more than one variable`);
        const count = value as bigint;
        for (let i = 0n; i < count; i++) oneIteration(undefined, i);
        return count > 0n;
      }
      case "nil":
        return false;
      default:
        this.#errorf(`range can't iterate over ${goSprint(value)}`);
    }
  }

  #walkTemplate(dot: EngineValue, node: TemplateNode): void {
    this.#at(node);
    const template = this.#env.lookup(node.name);
    if (!template) this.#errorf(`template ${quoteGoString(node.name)} not defined`);
    if (this.#depth >= MAX_EXEC_DEPTH) this.#errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.#evalPipeline(dot, node.pipe);
    const saved = { name: this.#templateName, vars: this.#vars, depth: this.#depth };
    this.#templateName = template.name;
    this.#vars = [{ name: "$", value: newDot }];
    this.#depth++;
    try {
      this.walk(newDot, template.root);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // JS runs out of stack long before Go's limit: report it as Go does at its limit.
      this.#templateName = saved.name;
      this.#at(node);
      this.#errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    } finally {
      this.#templateName = saved.name;
      this.#vars = saved.vars;
      this.#depth = saved.depth;
    }
  }

  // --- evaluation ---

  #evalPipeline(dot: EngineValue, pipe: PipeNode | null): EngineValue {
    if (!pipe) return undefined;
    this.#at(pipe);
    let value: Final = MISSING;
    for (const command of pipe.cmds) {
      value = this.#evalCommand(dot, command, value);
      // If the object has type interface{}, dig down one level to the thing inside.
      if (value instanceof InterfaceValue) value = value.value;
      else if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.#setVar(variable.ident[0]!, result);
      else this.#vars.push({ name: variable.ident[0]!, value: result });
    }
    return result;
  }

  #notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if ((args && args.length > 1) || final !== MISSING) {
      this.#errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  #evalCommand(dot: EngineValue, command: CommandNode, final: Final): EngineValue {
    const first = command.args[0]!;
    switch (first.type) {
      case "field":
        return this.#evalFieldNode(dot, first, command.args, final);
      case "chain":
        return this.#evalChainNode(dot, first, command.args, final);
      case "identifier":
        return this.#evalFunction(dot, first, command, command.args, final);
      case "pipe":
        this.#notAFunction(command.args, final);
        return this.#evalPipeline(dot, first);
      case "variable":
        return this.#evalVariableNode(dot, first, command.args, final);
    }
    this.#at(first);
    this.#notAFunction(command.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.#errorf("nil is not a command");
      case "number":
        return this.#idealConstant(first);
      case "string":
        return first.text;
    }
  }

  #idealConstant(constant: NumberNode): EngineValue {
    this.#at(constant);
    const text = constant.text;
    const isHexInt = text.length > 2 && text[0] === "0" && (text[1] === "x" || text[1] === "X") && !/[pP]/.test(text);
    const isRuneInt = text[0] === "'";
    if (constant.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text)) return constant.float64;
    if (constant.isInt) return constant.int64;
    if (constant.isUint) this.#errorf(`${text} overflows int`);
    return undefined;
  }

  #evalFieldNode(dot: EngineValue, field: FieldNode, args: readonly ArgNode[] | null, final: Final): EngineValue {
    this.#at(field);
    return this.#evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  #evalChainNode(dot: EngineValue, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): EngineValue {
    this.#at(chain);
    if (chain.node.type === "nil") this.#errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.#evalArg(dot, null, chain.node);
    return this.#evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  #evalVariableNode(dot: EngineValue, variable: VariableNode, args: readonly ArgNode[] | null, final: Final): EngineValue {
    this.#at(variable);
    const value = this.#varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.#notAFunction(args, final);
      return value;
    }
    return this.#evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  #evalFieldChain(
    dot: EngineValue,
    receiverIn: EngineValue,
    node: Node,
    ident: readonly string[],
    args: readonly ArgNode[] | null,
    final: Final,
  ): EngineValue {
    let receiver = receiverIn;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.#evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.#evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  #evalFunction(
    dot: EngineValue,
    node: IdentifierNode,
    command: Node,
    args: readonly ArgNode[] | null,
    final: Final,
  ): EngineValue {
    this.#at(node);
    const found = this.#env.findFunction(node.ident);
    if (!found) this.#errorf(`${quoteGoString(node.ident)} is not a defined function`);
    return this.#evalCall(dot, found.fn, found.builtin, command, node.ident, args, final);
  }

  #evalField(
    dot: EngineValue,
    fieldName: string,
    node: Node,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: EngineValue,
  ): EngineValue {
    if (receiver === undefined) {
      if (this.#env.missingKey === "error") this.#errorf(`nil data; no entry for key ${quoteGoString(fieldName)}`);
      return undefined;
    }
    const typeName = reflectTypeName(receiver);
    const value = unbox(receiver);
    if (value === null || value === undefined) this.#errorf(`nil pointer evaluating ${typeName}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (value instanceof GoStruct && isExported(fieldName)) {
      const member = (value as unknown as Record<string, unknown>)[fieldName];
      if (typeof member === "function") {
        const method = member as (...args: GoValue[]) => GoValue;
        const signature = value.goMethodTypes?.[fieldName] ?? {
          params: Array.from({ length: method.length }, (): GoParamType => "any"),
        };
        return this.#evalCall(dot, engineFunctionOf(method, signature, value), false, node, fieldName, args, final);
      }
      if (fieldName in value) {
        if (hasArgs) this.#errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return (member ?? null) as GoValue;
      }
    }
    const underlying = underlyingValue(value);
    if (kindOf(underlying) === "map") {
      if (hasArgs) this.#errorf(`${fieldName} is not a method but has arguments`);
      const map = underlying as GoMap;
      const found = Object.hasOwn(map, fieldName) ? map[fieldName] : undefined;
      const elemType = elementTypeOf(goTypeOf(map));
      if (found !== undefined) return boxElement(found, elemType);
      switch (this.#env.missingKey) {
        case "default":
          return undefined;
        case "zero":
          return zeroValueOf(elemType);
        case "error":
          this.#errorf(`map has no entry for key ${quoteGoString(fieldName)}`);
      }
    }
    this.#errorf(`can't evaluate field ${fieldName} in type ${typeName}`);
  }

  #evalCall(
    dot: EngineValue,
    fn: EngineFunction,
    isBuiltin: boolean,
    node: Node,
    name: string,
    argNodes: readonly ArgNode[] | null,
    final: Final,
  ): EngineValue {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.#errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
      }
    } else if (numIn !== fn.params.length) {
      this.#errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }

    if (isBuiltin && (name === "and" || name === "or")) {
      let value: EngineValue = undefined;
      for (const arg of args) {
        value = this.#evalArg(dot, "value", arg);
        if (isTruthy(concrete(value)) === (name === "or")) return value;
      }
      if (final !== MISSING) value = this.#validateType(final, "value");
      return value;
    }

    const argv: EngineValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.#evalArg(dot, fn.params[i]!, args[i]!);
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv[i] = this.#evalArg(dot, fn.variadic, args[i]!);
    }
    if (final !== MISSING) {
      let type = fn.params[fn.params.length - 1]!;
      if (fn.variadic !== undefined) type = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      argv[i] = this.#validateType(final, type);
    }
    try {
      return fn.call(argv);
    } catch (error) {
      if (error === BREAK || error === CONTINUE) throw error;
      this.#at(node);
      this.#errorf(`error calling ${name}: ${errorMessage(error)}`);
    }
  }

  #validateType(value: EngineValue, type: EngineParamType | null): EngineValue {
    if (value === undefined) {
      if (type === null) return undefined;
      if (canBeNil(type)) return zeroOf(type);
      this.#errorf(`invalid value; expected ${goTypeNameOf(type)}`);
    }
    if (type === null || type === "value") return value;
    const inner = unbox(value);
    if (type === "any") return inner;
    if (inner === null || inner === undefined) {
      this.#errorf(`wrong type for value; expected ${goTypeNameOf(type)}; got interface {}`);
    }
    if (!isAssignable(inner, type)) {
      this.#errorf(`wrong type for value; expected ${goTypeNameOf(type)}; got ${goTypeOf(inner)}`);
    }
    return inner;
  }

  #evalArg(dot: EngineValue, type: EngineParamType | null, node: ArgNode): EngineValue {
    this.#at(node);
    switch (node.type) {
      case "dot":
        return this.#validateType(dot, type);
      case "nil":
        if (type !== null && canBeNil(type)) return zeroOf(type);
        this.#errorf(`cannot assign nil to ${goTypeNameOf(type)}`);
      case "field":
        return this.#validateType(this.#evalFieldNode(dot, node, [node], MISSING), type);
      case "variable":
        return this.#validateType(this.#evalVariableNode(dot, node, null, MISSING), type);
      case "pipe":
        return this.#validateType(this.#evalPipeline(dot, node), type);
      case "identifier":
        return this.#validateType(this.#evalFunction(dot, node, node, null, MISSING), type);
      case "chain":
        return this.#validateType(this.#evalChainNode(dot, node, null, MISSING), type);
    }
    switch (type) {
      case "bool":
        if (node.type === "bool") return node.value;
        this.#errorf(`expected bool; found ${nodeString(node)}`);
      case "float64":
        if (node.type === "number" && node.isFloat) return node.float64;
        this.#errorf(`expected float; found ${nodeString(node)}`);
      case "int":
        if (node.type === "number" && node.isInt) return node.int64;
        this.#errorf(`expected integer; found ${nodeString(node)}`);
      case "string":
        if (node.type === "string") return node.text;
        this.#errorf(`expected string; found ${nodeString(node)}`);
      case "any":
      case "value":
        switch (node.type) {
          case "bool":
            return node.value;
          case "number":
            return this.#idealConstant(node);
          case "string":
            return node.text;
        }
    }
    this.#errorf(`can't handle ${nodeString(node)} for arg of type ${goTypeNameOf(type)}`);
  }

  #printValue(node: Node, value: EngineValue): void {
    this.#at(node);
    const inner = unbox(value);
    if (inner === undefined || inner === null) {
      this.output += "<no value>";
      return;
    }
    if (typeof inner === "function") this.#errorf(`can't print ${nodeString(node)} of type ${goTypeOf(inner)}`);
    this.output += goSprint(inner);
  }
}

/** Go's indirectInterface: the concrete value; a nil interface is missing. */
function concrete(value: EngineValue): GoValue {
  const inner = unbox(value);
  return inner === null ? undefined : inner;
}

function isExported(name: string): boolean {
  return isUpper(name.codePointAt(0)!);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

