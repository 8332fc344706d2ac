import { defineCommand } from "citty";
import { readClusterfile } from "../read-clusterfile.ts";
import { DEFAULT_DATA_DIR, deleteCluster } from "../../run/install-cluster.ts";
import { readPasswordFromStdin } from "../read-password-stdin.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";

export const deleteCommand = defineCommand({
  meta: {
    name: "delete",
    description:
      "Remove the cluster lade run installed on this machine: kubeadm reset -f, scripts/clean.sh, then DATA_DIR. " +
      "Each step is recorded, so a rerun after a failure resumes. A cluster lade run installed over SSH needs --all or --nodes IP,...: " +
      "kubeadm reset -f, clean.sh and the data folder on each of those hosts (a host leaving a cluster whose master0 stays is first " +
      "drained and deleted there with kubectl); hosts reached with a password need --ssh-password-stdin again. " +
      "sealer clean-time plugins (PreClean before any host is cleaned, PostClean after clean.sh) found by lade run run too.",
  },
  args: {
    "data-dir": { type: "string", description: "The folder lade run used", default: DEFAULT_DATA_DIR },
    "dry-run": { type: "boolean", description: "Print every step and its commands; change nothing" },
    all: { type: "boolean", description: "A cluster on several hosts: delete it on every host (over SSH)" },
    nodes: { type: "string", description: "A cluster on several hosts: delete it on these hosts only (IP,...); each is first drained and deleted from the cluster on master0" },
    "ssh-password-stdin": { type: "boolean", description: "Read the SSH password from stdin, for hosts lade run reached with a password" },
    file: { type: "string", alias: "f", description: "The Clusterfile lade run was given: its hosts' ssh.passwd are used again" },
  },
  async run({ args }) {
    removePasswordsOnSignals();
    const dataDir = args["data-dir"] as string;
    await deleteCluster({
      dataDir,
      dryRun: Boolean(args["dry-run"]),
      ...(args.all ? { hosts: "all" as const } : args.nodes ? { hosts: (args.nodes as string).split(",").map((ip) => ip.trim()).filter(Boolean) } : {}),
      ...(args["ssh-password-stdin"] ? { sshPassword: await readPasswordFromStdin() } : {}),
      ...(args.file ? { clusterfile: await readClusterfile(args.file as string) } : {}),
      output: (line, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`),
    });
    if (!args["dry-run"]) process.stdout.write(`Deleted the cluster of ${dataDir}\n`);
  },
});
