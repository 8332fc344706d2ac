import { defineCommand } from "citty";
import { execOnHosts, remoteScript } from "../../day2/exec-hosts.ts";
import { UsageError } from "../global-options.ts";
import { exitSummary, installedClusterArgs, installedClusterHosts, printLine } from "../installed-cluster.ts";
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
    ...installedClusterArgs,
    roles: { type: "string", description: "Only hosts of these roles: master, node (comma-separated)" },
    hosts: { type: "string", description: "Only these hosts (IP,...)" },
  },
  async run({ args, rawArgs }) {
    removePasswordsOnSignals();
    const separator = rawArgs.indexOf("--");
    const words = separator >= 0 ? rawArgs.slice(separator + 1) : [];
    if (words.length === 0) throw new UsageError("Give the command after --, e.g. lade exec -- uptime");
    const list = (value: unknown) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : []);
    const targets = await installedClusterHosts(args, { roles: list(args.roles), hosts: list(args.hosts) });
    const results = await execOnHosts(targets, remoteScript(words), printLine);
    process.stderr.write(`${exitSummary(results)}\n`);
    if (results.some((result) => result.exitCode !== 0)) process.exitCode = 1;
  },
});
