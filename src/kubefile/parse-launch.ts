import type { LaunchInstruction } from "./instruction.ts";
import {
  failAt,
  failAtKeyword,
  listArguments,
  located,
  type InstructionContext,
} from "./instruction-context.ts";
import { expandAppName } from "./expand-app-name.ts";

/** `LAUNCH ["app1", "app2"]` or `LAUNCH app1 app2`: the apps to start, in order. */
export function parseLaunch(context: InstructionContext): LaunchInstruction {
  const words = listArguments(context);
  if (words.length === 0) failAtKeyword(context, "LAUNCH requires at least one app name");
  const apps: string[] = [];
  for (const word of words) {
    const app = expandAppName(context, word);
    if (apps.includes(app)) failAt(context, word.start, `App "${app}" is listed twice in LAUNCH`);
    apps.push(app);
  }
  return { kind: "LAUNCH", apps, ...located(context) };
}
