import { expandRequired, failAt, type Argument, type InstructionContext } from "./instruction-context.ts";

/** An app name becomes a directory (`application/apps/<name>/`), so it cannot hold "/" or be "..". */
const APP_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/** Expands an app name and checks that it is a safe directory name. */
export function expandAppName(context: InstructionContext, argument: Argument): string {
  const name = expandRequired(context, argument, "App name");
  if (!APP_NAME.test(name)) {
    const rule = 'use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    failAt(context, argument.start, `Invalid app name "${name}": ${rule}`);
  }
  return name;
}
