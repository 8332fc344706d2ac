import { join } from "node:path";
import { ExecSelectionError, selectHosts, type ExecSelection, type ExecTarget } from "../day2/exec-hosts.ts";
import { readState } from "../run/execute-steps.ts";
import type { MultiHostState } from "../run/install-hosts.ts";
import { DEFAULT_DATA_DIR } from "../run/install-cluster.ts";
import { createPasswordFile } from "../run/ssh-password.ts";
import { UsageError } from "./global-options.ts";
import { readPasswordFromStdin } from "./read-password-stdin.ts";

/** The options of every day-2 command that reaches the hosts of an installed cluster. */
export const installedClusterArgs = {
  "data-dir": { type: "string", description: "The folder lade run used", default: DEFAULT_DATA_DIR },
  "ssh-password-stdin": { type: "boolean", description: "Read the SSH password from stdin, for hosts lade run reached with a password" },
} as const;

/** The run state of the cluster in --data-dir, or a usage error saying there is none. */
export async function readInstalledCluster(dataDir: string): Promise<MultiHostState> {
  const state = (await readState(join(dataDir, "state.json"))) as MultiHostState | undefined;
  if (!state) throw new UsageError(`No cluster in ${dataDir}: lade run writes its state.json there (give the folder with --data-dir)`);
  return state;
}

/** The chosen hosts of the cluster in --data-dir, with the password from stdin when asked; a bad choice is a usage error. */
export async function installedClusterHosts(args: Record<string, unknown>, selection: ExecSelection): Promise<ExecTarget[]> {
  const state = await readInstalledCluster(args["data-dir"] as string);
  try {
    const passwordFile = args["ssh-password-stdin"] ? createPasswordFile(await readPasswordFromStdin()) : undefined;
    const targets = selectHosts(state, selection, passwordFile);
    if (targets.length === 0) throw new ExecSelectionError("No host of this cluster matches --roles and --hosts");
    return targets;
  } catch (error) {
    if (error instanceof ExecSelectionError) throw new UsageError(error.message);
    throw error;
  }
}

/** `10.0.0.2: ok, 10.0.0.3: exit 3` */
export function exitSummary(results: readonly { ip: string; exitCode: number }[]): string {
  return results.map((result) => `${result.ip}: ${result.exitCode === 0 ? "ok" : `exit ${result.exitCode}`}`).join(", ");
}

export function printLine(line: string, stream: "stdout" | "stderr"): void {
  (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`);
}
