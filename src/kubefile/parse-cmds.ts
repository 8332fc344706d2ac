import type { CmdsInstruction } from "./instruction.ts";
import { located, type InstructionContext } from "./instruction-context.ts";
import { parseCommandArray } from "./parse-command-array.ts";

/** `CMDS ["cmd 1", "cmd 2"]`: commands run at launch instead of apps. */
export function parseCmds(context: InstructionContext): CmdsInstruction {
  const usage = 'CMDS requires a JSON array of commands, e.g. CMDS ["kubectl apply -f app.yaml"]';
  return { kind: "CMDS", commands: parseCommandArray(context, { from: 0, usage }), ...located(context) };
}
