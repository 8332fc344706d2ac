import type { AppCmdsInstruction } from "./instruction.ts";
import { argumentWords, failAtKeyword, located, offsetAfter, type InstructionContext } from "./instruction-context.ts";
import { expandAppName } from "./expand-app-name.ts";
import { parseCommandArray } from "./parse-command-array.ts";

const USAGE =
  'APPCMDS requires an app name and a JSON array of commands, e.g. APPCMDS my-app ["kubectl apply -f app.yaml"]';

/**
 * `APPCMDS <app> ["cmd 1", "cmd 2"]`. The app may come from the base image, so only the syntax
 * is checked here; the build checks that it exists. Commands are not expanded: a shell runs them.
 */
export function parseAppCmds(context: InstructionContext): AppCmdsInstruction {
  const [app] = argumentWords(context, { maxWords: 1 });
  if (!app || app.written.startsWith("[")) failAtKeyword(context, USAGE);
  return {
    kind: "APPCMDS",
    app: expandAppName(context, app),
    commands: parseCommandArray(context, { from: offsetAfter(context, app), usage: USAGE }),
    ...located(context),
  };
}
