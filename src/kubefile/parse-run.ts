import type { RunInstruction } from "./instruction.ts";
import { failAtKeyword, located, type InstructionContext } from "./instruction-context.ts";
import { parseJsonStringArray } from "./parse-json-string-array.ts";

/**
 * `RUN ["exec", "form"]` or `RUN shell text`. Like Docker, text that is not a valid JSON array
 * is shell form (`RUN [ -f x ] && …` is a test). Variables are left for the shell.
 */
export function parseRun(context: InstructionContext): RunInstruction {
  if (context.args === "") failAtKeyword(context, "RUN requires a command");
  const exec = parseJsonStringArray(context.args);
  if (!exec.ok) return { kind: "RUN", command: context.args, ...located(context) };
  if (exec.elements.length === 0) failAtKeyword(context, "RUN requires a command: the JSON array is empty");
  return { kind: "RUN", command: exec.elements.map((element) => element.value), ...located(context) };
}
