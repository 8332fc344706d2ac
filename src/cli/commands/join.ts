import { defineCommand, type ArgsDef } from "citty";
import { parseIpAddress } from "../../kubeadm/ip-address.ts";
import { DEFAULT_DATA_DIR } from "../../run/install-cluster.ts";
import { UsageError } from "../global-options.ts";
import { readInstalledCluster } from "../installed-cluster.ts";
import { runCommand } from "./run.ts";

const { image: _image, file: _file, masters: _masters, nodes: _nodes, ...runArgs } = runCommand.args as typeof runCommand.args & Record<string, unknown>;

export const joinCommand = defineCommand({
  meta: {
    name: "join",
    description:
      "Add masters and nodes to a cluster lade run installed over SSH with --masters/--nodes: lade run again with the hosts it has " +
      "and these (the cluster's image from the state, the steps already done skipped, fresh join credentials on master0, a registry " +
      "on a new master when the cluster puts one on every master). Every host is reached with the --ssh-* options given here. " +
      "For a cluster made from a Clusterfile, add the hosts to it and use lade apply -f.",
  },
  args: {
    ...runArgs,
    masters: { type: "string", description: "Masters to add (IP,...)" },
    nodes: { type: "string", description: "Nodes to add (IP,...)" },
  } as ArgsDef,
  async run(context) {
    const args = context.args as Record<string, unknown>;
    const dataDir = (args["data-dir"] as string | undefined) ?? DEFAULT_DATA_DIR;
    const state = await readInstalledCluster(dataDir);
    const list = (value: unknown) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : []);
    const [newMasters, newNodes] = [list(args.masters), list(args.nodes)];
    if (newMasters.length + newNodes.length === 0) throw new UsageError("lade join needs --masters or --nodes: the hosts to add");
    for (const ip of [...newMasters, ...newNodes]) if (!parseIpAddress(ip)) throw new UsageError(`--masters/--nodes need IP addresses, not "${ip}"`);
    const installed = Object.entries(state.hosts ?? {});
    if (installed.length === 0 || !state.image) throw new UsageError("this cluster was installed on this machine, not over SSH: lade join adds hosts to clusters on hosts");
    const already = [...newMasters, ...newNodes].filter((ip) => installed.some(([known]) => known === ip));
    if (already.length > 0) throw new UsageError(`${already.join(", ")} ${already.length === 1 ? "is" : "are"} in the cluster already`);
    const byRole = (wanted: (role: string) => boolean) => installed.filter(([, host]) => wanted(host.role)).map(([ip]) => ip);
    const masters = [...byRole((role) => role === "master0"), ...byRole((role) => role === "master"), ...newMasters];
    const nodes = [...byRole((role) => role === "node"), ...newNodes];
    process.stdout.write(`== join: ${[...newMasters.map((ip) => `${ip} (master)`), ...newNodes.map((ip) => `${ip} (node)`)].join(", ")} to the cluster of ${masters[0]}\n`);
    await runCommand.run!({ ...context, args: { ...args, image: state.image, "data-dir": dataDir, masters: masters.join(","), nodes: nodes.join(",") } } as Parameters<NonNullable<typeof runCommand.run>>[0]);
  },
});
