import type { ArgInstruction } from "./instruction.ts";
import {
  argumentWords,
  expand,
  failAt,
  failAtKeyword,
  located,
  type Argument,
  type InstructionContext,
} from "./instruction-context.ts";
import { splitKeyValue } from "./split-key-value.ts";
import { isVariableName, VARIABLE_NAME_RULE } from "./variable-name.ts";

/**
 * `ARG <name>[=<default>] ...`: one instruction per name, each declared in turn so a
 * default can use the ARGs before it.
 */
export function parseArg(context: InstructionContext): ArgInstruction[] {
  const words = argumentWords(context);
  if (words.length === 0) failAtKeyword(context, "ARG requires a name");
  return words.map((word) => parseDeclaration(context, word));
}

function parseDeclaration(context: InstructionContext, word: Argument): ArgInstruction {
  const pair = splitKeyValue(word.parts);
  const name = expand(context, { ...word, parts: pair?.key ?? word.parts });
  if (!isVariableName(name)) failAt(context, word.start, `Invalid ARG name "${name}": ${VARIABLE_NAME_RULE}`);

  const defaultValue = pair && expand(context, { ...word, parts: pair.value });
  const value = context.scope.declareArg(name, defaultValue);
  return {
    kind: "ARG",
    name,
    ...(defaultValue === undefined ? {} : { defaultValue }),
    ...(value === undefined ? {} : { value }),
    ...located(context),
  };
}
