import { defineCommand } from "citty";
import { clusterStatus, formatClusterStatus, formatNodes, NODES_SCRIPT, parseNodes, type NodeStatus } from "../../day2/cluster-status.ts";
import { readFromHost } from "../../day2/exec-hosts.ts";
import { installedClusterArgs, installedClusterHosts, printLine, readInstalledCluster } from "../installed-cluster.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "Show the cluster lade run installed, as its run state records it: the image, whether every step is done (or where a run stopped), " +
      "the hosts with their roles, architectures and last steps, and the registry hosts; then, for a cluster installed over SSH, the nodes " +
      "as kubectl on master0 sees them (Ready, kubelet version, address). --offline reads DATA_DIR/state.json only.",
  },
  args: {
    ...installedClusterArgs,
    json: { type: "boolean", description: "Print the status as JSON" },
    offline: { type: "boolean", description: "Do not ask master0's kubectl about the nodes" },
  },
  async run({ args }) {
    removePasswordsOnSignals();
    const dataDir = args["data-dir"] as string;
    const state = await readInstalledCluster(dataDir);
    const status = clusterStatus(state);
    const nodes = args.offline || status.hosts.length === 0 ? undefined : await askNodes(args);
    if (args.json) {
      const nodeFields = nodes === undefined ? {} : typeof nodes === "string" ? { nodesError: nodes } : { nodes };
      process.stdout.write(`${JSON.stringify({ dataDir, ...status, ...nodeFields }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${[...formatClusterStatus(status, dataDir), ...(nodes === undefined ? [] : formatNodes(nodes))].join("\n")}\n`);
  },
});

/** The nodes as master0's kubectl lists them, or why they cannot be listed. */
async function askNodes(args: Record<string, unknown>): Promise<NodeStatus[] | string> {
  try {
    const masters = await installedClusterHosts(args, { roles: ["master"] });
    const master0 = masters.find((master) => master.role === "master0") ?? masters[0]!;
    return parseNodes(await readFromHost(master0, NODES_SCRIPT, printLine));
  } catch (error) {
    return `kubectl on master0 did not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}
