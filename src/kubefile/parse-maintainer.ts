import type { MaintainerInstruction } from "./instruction.ts";
import {
  argumentsAsOneWord,
  expandRequired,
  failAtKeyword,
  located,
  type InstructionContext,
} from "./instruction-context.ts";

/** `MAINTAINER <name>`: the rest of the line, expanded. */
export function parseMaintainer(context: InstructionContext): MaintainerInstruction {
  const name = argumentsAsOneWord(context);
  if (!name) failAtKeyword(context, "MAINTAINER requires a name");
  return { kind: "MAINTAINER", maintainer: expandRequired(context, name, "Maintainer"), ...located(context) };
}
