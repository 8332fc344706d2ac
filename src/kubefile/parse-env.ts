import type { EnvInstruction } from "./instruction.ts";
import { failAt, located, type Argument, type InstructionContext } from "./instruction-context.ts";
import { parseKeyValues } from "./parse-key-values.ts";
import { isVariableName, VARIABLE_NAME_RULE } from "./variable-name.ts";

/** `ENV KEY=VALUE ...` or `ENV KEY value`; the variables apply to the instructions after it. */
export function parseEnv(context: InstructionContext): EnvInstruction {
  const variables = parseKeyValues(context, {
    legacyForm: true,
    missingMessage: "ENV requires KEY=VALUE pairs",
    checkKey: (key, argument) => checkEnvName(context, key, argument),
  });
  for (const [name, value] of variables) context.scope.setEnv(name, value);
  return { kind: "ENV", variables, ...located(context) };
}

function checkEnvName(context: InstructionContext, name: string, argument: Argument): void {
  if (!isVariableName(name)) failAt(context, argument.start, `Invalid variable name "${name}": ${VARIABLE_NAME_RULE}`);
  if (context.scope.isBuiltin(name)) {
    // ${ARCH} must always mean the platform being built, or multi-platform builds would mix files.
    failAt(context, argument.start, `Cannot set "${name}": it is a built-in variable taken from the target platform`);
  }
}
