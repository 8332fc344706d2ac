import type { LabelInstruction } from "./instruction.ts";
import { located, type InstructionContext } from "./instruction-context.ts";
import { parseKeyValues } from "./parse-key-values.ts";

/** `LABEL key=value "key 2"="value 2" ...` or `LABEL key value`. */
export function parseLabel(context: InstructionContext): LabelInstruction {
  const labels = parseKeyValues(context, { legacyForm: true, missingMessage: "LABEL requires key=value pairs" });
  return { kind: "LABEL", labels, ...located(context) };
}
