import { failAt, failAtKeyword, jsonArray, type InstructionContext } from "./instruction-context.ts";

/**
 * The JSON array of shell commands that CMDS and APPCMDS require; each element is one command,
 * kept as written because a shell runs it later with the image's environment.
 */
export function parseCommandArray(context: InstructionContext, options: { from: number; usage: string }): string[] {
  if (options.from >= context.args.length) failAtKeyword(context, options.usage);
  if (!context.args.startsWith("[", options.from)) failAt(context, options.from, options.usage);
  const elements = jsonArray(context, options.from);
  if (elements.length === 0) failAt(context, options.from, `${context.keyword} requires at least one command`);
  for (const element of elements) {
    if (element.value.trim() === "") failAt(context, element.offset, `Empty command in ${context.keyword}`);
  }
  return elements.map((element) => element.value);
}
