import { defineCommand, type ArgsDef } from "citty";
import { ApplyPlanError, formatApplyPlan, planApply } from "../../day2/apply-plan.ts";
import { parseClusterfile } from "../../kubeadm/parse-clusterfile.ts";
import { DEFAULT_DATA_DIR, deleteCluster } from "../../run/install-cluster.ts";
import { UsageError } from "../global-options.ts";
import { readInstalledCluster } from "../installed-cluster.ts";
import { readClusterfile } from "../read-clusterfile.ts";
import { runCommand } from "./run.ts";

const { image: _image, file: _file, ...runArgs } = runCommand.args as typeof runCommand.args & Record<string, unknown>;

export const applyCommand = defineCommand({
  meta: {
    name: "apply",
    description:
      "Make the installed cluster's hosts those of a Clusterfile: the plan first (hosts to join, to delete, unchanged), then the new " +
      "hosts joined as lade run joins them (the cluster's image, the steps already done skipped, fresh join credentials on master0), " +
      "then the hosts the Clusterfile no longer lists drained and deleted on master0 and cleaned as lade delete --nodes does. " +
      "master0 stays, and a host keeps its role. Takes lade run's options.",
  },
  args: { ...runArgs, file: { type: "string", alias: "f", description: "The Clusterfile with the hosts the cluster should have", required: true } } as ArgsDef,
  async run(context) {
    const args = context.args as Record<string, unknown>;
    const dataDir = (args["data-dir"] as string | undefined) ?? DEFAULT_DATA_DIR;
    const state = await readInstalledCluster(dataDir);
    const clusterfile = await readClusterfile(args.file as string);
    const cluster = parseClusterfile(clusterfile.text, clusterfile.file).cluster;
    if (!cluster) throw new UsageError(`${clusterfile.file} has no sealer.io/v2 Cluster: lade apply needs its hosts`);
    if (!state.image) throw new UsageError(`${dataDir}/state.json names no image: run lade run again instead`);
    let plan;
    try {
      plan = planApply(state, cluster);
    } catch (error) {
      if (error instanceof ApplyPlanError) throw new UsageError(error.message);
      throw error;
    }
    process.stdout.write(`${formatApplyPlan(plan).join("\n")}\n`);
    // joins first, through lade run (it skips what is done): the cluster is never smaller than asked
    await runCommand.run!({ ...context, args: { ...args, image: state.image, "data-dir": dataDir } } as Parameters<NonNullable<typeof runCommand.run>>[0]);
    if (plan.remove.length === 0) return;
    await deleteCluster({
      dataDir,
      dryRun: Boolean(args["dry-run"]),
      hosts: plan.remove,
      clusterfile,
      output: (line, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`),
    });
    if (!args["dry-run"]) process.stdout.write(`Deleted ${plan.remove.join(", ")} from the cluster\n`);
  },
});
