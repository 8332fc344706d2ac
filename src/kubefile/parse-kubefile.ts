import type { Instruction, KubefileParseOptions } from "./instruction.ts";
import type { InstructionContext } from "./instruction-context.ts";
import { InstructionOrder } from "./instruction-order.ts";
import { parseInstruction } from "./parse-instruction.ts";
import { parseKeyword } from "./parse-keyword.ts";
import { locationAt, splitLogicalLines, type LogicalLine } from "./split-logical-lines.ts";
import { VariableScope } from "./variable-scope.ts";

/**
 * Parses a Kubefile into typed instructions, expanding variables for `options.platform`.
 * Pure: the build checks what needs the file system or the base image (files, inherited apps).
 *
 * @throws {KubefileSyntaxError} at the first error, its message starting with `file:line:column: `
 */
export function parseKubefile(text: string, options: KubefileParseOptions): Instruction[] {
  const scope = new VariableScope(options);
  const order = new InstructionOrder();
  const instructions: Instruction[] = [];
  for (const line of splitLogicalLines(text, options.file)) {
    const context = instructionContext(line, scope);
    order.check(context.keyword, context.location);
    instructions.push(...parseInstruction(context));
  }
  order.finish(options.file);
  return instructions;
}

function instructionContext(line: LogicalLine, scope: VariableScope): InstructionContext {
  const keywordOffset = line.text.length - line.text.trimStart().length;
  const word = /^\S+/.exec(line.text.slice(keywordOffset))?.[0] ?? "";
  const location = locationAt(line, keywordOffset);
  const afterKeyword = line.text.slice(keywordOffset + word.length);
  const args = afterKeyword.trim();
  return {
    line,
    keyword: parseKeyword(word, location),
    location,
    text: line.text.trim(),
    args,
    argsOffset: line.text.length - afterKeyword.trimStart().length,
    scope,
  };
}
