import { defineCommand } from "citty";
import { upgradeCluster } from "../../day2/upgrade-cluster.ts";
import { createPasswordFile } from "../../run/ssh-password.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { installedClusterArgs, printLine } from "../installed-cluster.ts";
import { readClusterfile } from "../read-clusterfile.ts";
import { readPasswordFromStdin } from "../read-password-stdin.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";
import { repeatedOption } from "../repeated-option.ts";

const DEFAULT_DRAIN_TIMEOUT_SECONDS = 300;

export const upgradeCommand = defineCommand({
  meta: {
    name: "upgrade",
    description:
      "Upgrade the cluster lade run installed over SSH to the Kubernetes version of IMAGE, one minor at a time as kubeadm allows " +
      "(a skip is refused with the path to follow). Checked before any host changes: the installed version and runtime, a platform " +
      "for every host's architecture, kubeadm's images of the new version in IMAGE's registry. Then: the new rootfs to every host; " +
      "on master0 the new kubeadm, kubeadm upgrade plan and apply; on the other masters, then the nodes, one at a time, the new " +
      "kubeadm and kubeadm upgrade node; and every host in turn drained, set up again from the new rootfs (runtime, kubelet, " +
      "kubectl), its kubelet restarted, uncordoned. Each step is recorded: run it again after a failure and it goes on there. " +
      "The Clusterfile lade run was given (kept in --data-dir) is used unless -f gives another.",
  },
  args: {
    image: { type: "positional", description: "The cluster image of the newer Kubernetes version (in the store)", required: true },
    ...installedClusterArgs,
    file: { type: "string", alias: "f", description: "Clusterfile (default: the one lade run kept in --data-dir); its hosts must be the cluster's" },
    env: { type: "string", description: "Cluster env KEY=VALUE, above the image's and the Clusterfile's (repeatable)" },
    "drain-timeout": { type: "string", description: `Seconds kubectl drain waits for a host's pods to go (default ${DEFAULT_DRAIN_TIMEOUT_SECONDS})` },
    force: { type: "boolean", description: "Drain also pods no controller manages (kubectl drain --force): they are deleted, not moved" },
    "dry-run": { type: "boolean", description: "Check, then print every step and its commands; change nothing" },
  },
  async run({ args, rawArgs }) {
    removePasswordsOnSignals();
    const env = repeatedOption(rawArgs, "env");
    for (const entry of env) if (entry.indexOf("=") <= 0) throw new UsageError(`Option "--env" needs KEY=VALUE: got "${entry}"`);
    const drainTimeout = args["drain-timeout"] === undefined ? DEFAULT_DRAIN_TIMEOUT_SECONDS : Number(args["drain-timeout"]);
    if (!Number.isInteger(drainTimeout) || drainTimeout < 1) throw new UsageError(`--drain-timeout needs a number of seconds, not "${args["drain-timeout"]}"`);
    const clusterfile = args.file ? await readClusterfile(args.file) : undefined;
    const passwordFile = args["ssh-password-stdin"] ? createPasswordFile(await readPasswordFromStdin()) : undefined;
    await upgradeCluster(await openStore(), {
      image: args.image,
      dataDir: args["data-dir"],
      ...(clusterfile ? { clusterfile } : {}),
      env,
      ...(passwordFile ? { passwordFile } : {}),
      drainTimeoutSeconds: drainTimeout,
      force: Boolean(args.force),
      dryRun: Boolean(args["dry-run"]),
      output: printLine,
    });
  },
});
