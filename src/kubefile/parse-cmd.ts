import type { CmdInstruction } from "./instruction.ts";
import { failAtKeyword, located, type InstructionContext } from "./instruction-context.ts";

/** Deprecated `CMD <shell text>`: the raw text is one launch command, as in sealer. */
export function parseCmd(context: InstructionContext): CmdInstruction {
  if (context.args === "") failAtKeyword(context, "CMD requires a command");
  return { kind: "CMD", command: context.args, ...located(context) };
}
