import { defineCommand } from "citty";
import { join } from "node:path";
import { execOnHosts, ExecSelectionError, remoteScript, selectHosts } from "../../day2/exec-hosts.ts";
import { readState } from "../../run/execute-steps.ts";
import type { MultiHostState } from "../../run/install-hosts.ts";
import { DEFAULT_DATA_DIR } from "../../run/install-cluster.ts";
import { createPasswordFile } from "../../run/ssh-password.ts";
import { UsageError } from "../global-options.ts";
import { readPasswordFromStdin } from "../read-password-stdin.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";

export const execCommand = defineCommand({
  meta: {
    name: "exec",
    description:
      "Run a command on the hosts of the cluster lade run installed over SSH, on all of them at once: every output line is prefixed " +
      "with its host, and the exit status of each host is listed at the end (exit 1 when any failed). One argument after -- is a " +
      'shell script (lade exec -- "systemctl restart kubelet && echo ok"); several are a command, each word passed as it is.',
  },
  args: {
    "data-dir": { type: "string", description: "The folder lade run used", default: DEFAULT_DATA_DIR },
    roles: { type: "string", description: "Only hosts of these roles: master, node (comma-separated)" },
    hosts: { type: "string", description: "Only these hosts (IP,...)" },
    "ssh-password-stdin": { type: "boolean", description: "Read the SSH password from stdin, for hosts lade run reached with a password" },
  },
  async run({ args, rawArgs }) {
    removePasswordsOnSignals();
    const separator = rawArgs.indexOf("--");
    const words = separator >= 0 ? rawArgs.slice(separator + 1) : [];
    const list = (value: unknown) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : []);
    const dataDir = args["data-dir"] as string;
    const state = (await readState(join(dataDir, "state.json"))) as MultiHostState | undefined;
    if (!state) throw new UsageError(`No cluster in ${dataDir}: lade run writes its state.json there (give the folder with --data-dir)`);
    try {
      const script = remoteScript(words);
      const passwordFile = args["ssh-password-stdin"] ? createPasswordFile(await readPasswordFromStdin()) : undefined;
      const targets = selectHosts(state, { roles: list(args.roles), hosts: list(args.hosts) }, passwordFile);
      if (targets.length === 0) throw new ExecSelectionError("No host of this cluster matches --roles and --hosts");
      const results = await execOnHosts(targets, script, (line, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`));
      const failed = results.filter((result) => result.exitCode !== 0);
      process.stderr.write(`${results.map((result) => `${result.ip}: ${result.exitCode === 0 ? "ok" : `exit ${result.exitCode}`}`).join(", ")}\n`);
      if (failed.length > 0) process.exitCode = 1;
    } catch (error) {
      if (error instanceof ExecSelectionError) throw new UsageError(error.message);
      throw error;
    }
  },
});
