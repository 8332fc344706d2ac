import { defineCommand } from "citty";
import { clusterStatus, formatClusterStatus } from "../../day2/cluster-status.ts";
import { DEFAULT_DATA_DIR } from "../../run/install-cluster.ts";
import { readInstalledCluster } from "../installed-cluster.ts";

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "Show the cluster lade run installed, as its run state records it: the image, whether every step is done (or where a run stopped), " +
      "the hosts with their roles, architectures and last steps, and the registry hosts. Reads DATA_DIR/state.json only: no host is contacted.",
  },
  args: {
    "data-dir": { type: "string", description: "The folder lade run used", default: DEFAULT_DATA_DIR },
    json: { type: "boolean", description: "Print the status as JSON" },
  },
  async run({ args }) {
    const dataDir = args["data-dir"] as string;
    const status = clusterStatus(await readInstalledCluster(dataDir));
    process.stdout.write(args.json ? `${JSON.stringify({ dataDir, ...status }, null, 2)}\n` : `${formatClusterStatus(status, dataDir).join("\n")}\n`);
  },
});
