import type { Application, Launch } from "../builder/image-extension.ts";

/** What the user asked to launch: the Clusterfile's spec fields, and lade run's options above them. */
export interface LaunchRequest {
  /** `spec.cmd` / `--cmd`: commands that replace the image's launch. */
  readonly cmds: readonly string[];
  /** `spec.appNames` / `--apps`: which of the image's apps to launch. */
  readonly appNames: readonly string[];
  /** `spec.cmd_args` / `--cmd-args`: `KEY=VALUE`, each `$KEY` / `${KEY}` in the commands replaced. */
  readonly cmdArgs: readonly string[];
}

export class LaunchError extends Error {
  override name = "LaunchError";
}

/**
 * The launch of a run, as sealer decides it: the user's commands replace the image's launch
 * entirely; else the user's app names pick which of the image's apps are launched (in the user's
 * order; an unknown name is an error); else the image's own launch. `cmd_args` (sealer v0.8's
 * `--cmd-args`) then fills `$KEY` in the commands; an argument nothing uses is an error, because
 * the user meant it to change what runs.
 *
 * @throws {LaunchError}
 */
export function chooseLaunch(image: Launch | undefined, applications: readonly Application[], request: LaunchRequest): Launch {
  let launch: Launch;
  if (request.cmds.length > 0) launch = { cmds: request.cmds };
  else if (request.appNames.length > 0) {
    for (const name of request.appNames) {
      if (!applications.some((app) => app.name === name)) {
        const known = applications.map((app) => app.name);
        throw new LaunchError(`app name ${name} is not found: the image has ${known.length > 0 ? `the apps ${known.join(", ")}` : "no apps"}`);
      }
    }
    launch = { app_names: request.appNames };
  } else launch = image ?? {};
  return request.cmdArgs.length > 0 ? substituteCmdArgs(launch, request.cmdArgs) : launch;
}

function substituteCmdArgs(launch: Launch, cmdArgs: readonly string[]): Launch {
  const cmds = launch.cmds ?? [];
  if (cmds.length === 0) {
    throw new LaunchError(`cmd_args (${cmdArgs.join(", ")}) fill $KEY in the launch commands, but this run launches apps (${(launch.app_names ?? []).join(", ") || "none"}), not commands`);
  }
  let result = [...cmds];
  for (const entry of cmdArgs) {
    const equals = entry.indexOf("=");
    if (equals <= 0) throw new LaunchError(`cmd_args "${entry}" must be KEY=VALUE`);
    const key = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    const pattern = () => new RegExp(`\\$\\{${escape(key)}\\}|\\$${escape(key)}(?![A-Za-z0-9_])`, "g");
    if (!result.some((cmd) => pattern().test(cmd))) throw new LaunchError(`cmd_args ${key}: no launch command mentions $${key} (${cmds.join("; ")})`);
    result = result.map((cmd) => cmd.replace(pattern(), () => value));
  }
  return { cmds: result };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
