import type { AppEnvInstruction } from "./instruction.ts";
import {
  argumentWords,
  failAt,
  failAtKeyword,
  located,
  offsetAfter,
  type Argument,
  type InstructionContext,
} from "./instruction-context.ts";
import { expandAppName } from "./expand-app-name.ts";
import { parseKeyValues } from "./parse-key-values.ts";
import { isVariableName, VARIABLE_NAME_RULE } from "./variable-name.ts";

/** `APPENV <app> KEY=VALUE ...`: variables for one app's files and commands. */
export function parseAppEnv(context: InstructionContext): AppEnvInstruction {
  const [app] = argumentWords(context, { maxWords: 1 });
  if (!app) failAtKeyword(context, "APPENV requires an app name and KEY=VALUE pairs");
  const name = expandAppName(context, app);
  const variables = parseKeyValues(context, {
    from: offsetAfter(context, app),
    legacyForm: false,
    missingMessage: "APPENV requires KEY=VALUE pairs after the app name",
    checkKey: (key, argument) => checkName(context, key, argument),
  });
  return { kind: "APPENV", app: name, variables, ...located(context) };
}

function checkName(context: InstructionContext, name: string, argument: Argument): void {
  if (!isVariableName(name)) failAt(context, argument.start, `Invalid variable name "${name}": ${VARIABLE_NAME_RULE}`);
}
