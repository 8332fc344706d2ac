import { defineCommand } from "citty";
import { readClusterfile } from "../read-clusterfile.ts";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseIpAddress } from "../../kubeadm/ip-address.ts";
import { ADMIN_KUBECONFIG } from "../../run/plan-run.ts";
import { DEFAULT_DATA_DIR, DEFAULT_HOST_DATA_DIR, installCluster } from "../../run/install-cluster.ts";
import { isAttachmentName } from "../../oci/attachment-tag.ts";
import { findImage } from "../../store/find-image.ts";
import { loadArchive } from "../../store/load-archive.ts";
import { enforceTrust, hasTrustRules } from "../../trust/enforce-policy.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { readPasswordFromStdin } from "../read-password-stdin.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";
import { jsonProgress } from "../json-progress.ts";
import { repeatedOption } from "../repeated-option.ts";
import { runProgress } from "../run-progress.ts";
import { archiveJudge, readTrustRules, trustArgs } from "../trust-options.ts";

/** The options that only mean something for hosts over SSH. */
const SSH_OPTIONS = ["ssh-user", "ssh-key", "ssh-port", "ssh-password-stdin", "known-hosts", "ssh-accept-new-host-keys", "host-data-dir", "registry-host"];

export const runCommand = defineCommand({
  meta: {
    name: "run",
    description:
      "Install a single-node cluster on this machine from a cluster image (or an archive, loaded first): check the host, " +
      "unpack the rootfs, render *.tmpl files, write the kubeadm config, run scripts/init.sh, kubeadm init, launch the apps. " +
      "Steps are recorded in DATA_DIR/state.json: a rerun skips what is done and resumes after a failure. " +
      "With --masters/--nodes (or a Clusterfile listing several hosts) it installs on those hosts over SSH (system ssh; a key, " +
      "or a password read from stdin with --ssh-password-stdin; host keys checked against --known-hosts, default DATA_DIR/known_hosts; " +
      "--ssh-accept-new-host-keys to add unknown ones): every host checked first (OS, architecture, swap, ports, kernel modules), " +
      "the rootfs for its architecture copied and verified, the registry started on the registry hosts (every master unless told), " +
      "kubeadm init on master0, the others joined, the apps launched on master0.",
  },
  args: {
    image: { type: "positional", description: "A cluster image in the store, or an archive file (lade save)", required: true },
    file: { type: "string", alias: "f", description: "Clusterfile: a sealer.io/v2 Cluster plus kubeadm documents" },
    env: { type: "string", description: "Cluster env KEY=VALUE, above the image's and the Clusterfile's (repeatable)" },
    "host-ip": { type: "string", description: "This machine's address (default: the Clusterfile's master, else the first non-loopback IPv4)" },
    "data-dir": {
      type: "string",
      description: `Where the rootfs, kubeadm config and state live (default ${DEFAULT_DATA_DIR}; on this machine, the Clusterfile's spec.dataRoot/NAME when it has one)`,
    },
    "dry-run": { type: "boolean", description: "Print every step and its commands; change nothing" },
    masters: { type: "string", description: "Install over SSH on these masters (IP,...); the first runs kubeadm init" },
    nodes: { type: "string", description: "Worker hosts (IP,...) joined over SSH" },
    "ssh-user": { type: "string", description: "SSH user (default root)" },
    "ssh-key": { type: "string", description: "SSH private key file" },
    "ssh-port": { type: "string", description: "SSH port (default 22)" },
    "ssh-password-stdin": { type: "boolean", description: "Read the SSH password from stdin (one line) and log in with it (ssh's askpass; OpenSSH 8.4+)" },
    "host-data-dir": { type: "string", description: `The data folder on the hosts over SSH (default ${DEFAULT_HOST_DATA_DIR}, or the Clusterfile's spec.dataRoot/NAME)` },
    "registry-host": {
      type: "string",
      description: "The hosts that run the cluster's registry (IP,...; default: every master, or master0 when the Clusterfile's localRegistry.ha is false)",
    },
    cmd: {
      type: "string",
      description: "A command that replaces the image's launch (repeatable, run in order in the rootfs on master0; sealer's --cmds and the Clusterfile's spec.cmd)",
    },
    cmds: { type: "string", description: "Same as --cmd (sealer's spelling)" },
    apps: { type: "string", description: "Launch only these of the image's apps, in this order (NAME,...; the Clusterfile's spec.appNames); an unknown name is an error" },
    "cmd-args": {
      type: "string",
      description: "KEY=VALUE (repeatable or KEY=VALUE,...): each $KEY or ${KEY} in the launch commands replaced (sealer's --cmd-args, the Clusterfile's spec.cmd_args); an argument no command uses is an error",
    },
    "skip-plugins": {
      type: "boolean",
      description: "Install although the image's plugins/ or the Clusterfile hold sealer plugins, which lade run does not run: without this, such a run stops before any host changes, listing them",
    },
    json: {
      type: "boolean",
      description:
        'Print newline-delimited JSON events on stdout (the step lines go to stderr): {"event":"phase","name","hosts","parallel"}, ' +
        '{"event":"step","host","id","description","status":"start"|"done"|"skipped"|"failed","index","total","error"?}, ' +
        '{"event":"copy","host","done","total"} twice a second during a rootfs copy, last {"event":"installed","master0":{"address","user"}|null,"dataDir"}; host "local" is this machine',
    },
    "known-hosts": { type: "string", description: "known_hosts file the host keys are checked against (default DATA_DIR/known_hosts)" },
    "ssh-accept-new-host-keys": { type: "boolean", description: "Add unknown host keys to the known_hosts file (StrictHostKeyChecking=accept-new)" },
    ...trustArgs,
  },
  async run({ args, rawArgs }) {
    removePasswordsOnSignals();
    const env = repeatedOption(rawArgs, "env");
    for (const entry of env) if (entry.indexOf("=") <= 0) throw new UsageError(`Option "--env" needs KEY=VALUE: got "${entry}"`);
    const clusterfile = args.file ? await readClusterfile(args.file as string) : undefined;
    const store = await openStore();
    const rules = await readTrustRules(args, rawArgs, store);
    let image = args.image as string;
    if ((await stat(image).catch(() => undefined))?.isFile()) {
      if (args["dry-run"]) throw new UsageError(`--dry-run needs an image in the store: run "lade load -i ${image}" first`);
      const loaded = await loadArchive(store, image, { judge: archiveJudge(rules, `Cannot run "${image}" (nothing loaded, no host changed)`) });
      const images = loaded.images.filter((entry) => !isAttachmentName(entry.name));
      if (images.length !== 1) throw new UsageError(`The archive "${image}" holds ${images.length} images: load it and name one`);
      process.stdout.write(`Loaded ${images[0]!.name} (${images[0]!.digest})\n`);
      image = images[0]!.name;
    } else if (hasTrustRules(rules)) {
      await enforceTrust(store, [await findImage(store, image)], rules, `Cannot run ${image} (no host changed)`);
    }
    const dataDir = (args["data-dir"] as string | undefined) ?? DEFAULT_DATA_DIR;
    const password = args["ssh-password-stdin"] ? await readPasswordFromStdin() : undefined;
    const list = (value: unknown) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : []);
    const masters = list(args.masters);
    const nodes = list(args.nodes);
    for (const ip of [...masters, ...nodes]) if (!parseIpAddress(ip)) throw new UsageError(`--masters/--nodes need IP addresses, not "${ip}"`);
    const port = args["ssh-port"] === undefined ? 22 : Number(args["ssh-port"]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--ssh-port needs a port number, not "${args["ssh-port"]}"`);
    const registryHosts = args["registry-host"] === undefined ? undefined : list(args["registry-host"]);
    for (const ip of registryHosts ?? []) if (!parseIpAddress(ip)) throw new UsageError(`--registry-host needs IP addresses, not "${ip}"`);
    if (registryHosts?.length === 0) throw new UsageError("--registry-host needs at least one IP address");
    if (nodes.length > 0 && masters.length === 0) throw new UsageError("--nodes needs --masters: the first master runs kubeadm init");
    const explicit = SSH_OPTIONS.find((name) => rawArgs.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)));
    const remote = {
      masters,
      nodes,
      ssh: {
        user: (args["ssh-user"] as string | undefined) ?? "root",
        port,
        ...(args["ssh-key"] ? { key: resolve(args["ssh-key"] as string) } : {}),
        knownHosts: resolve((args["known-hosts"] as string | undefined) ?? join(dataDir, "known_hosts")),
        acceptNewHostKeys: Boolean(args["ssh-accept-new-host-keys"]),
        ...(password !== undefined ? { password } : {}),
      },
      ...(args["host-data-dir"] ? { hostDir: args["host-data-dir"] as string } : {}),
      ...(registryHosts ? { registryHosts } : {}),
      ...(explicit ? { explicit: `--${explicit}` } : {}),
    };
    const cmdArgs = repeatedOption(rawArgs, "cmd-args").flatMap((value) => value.split(",").filter(Boolean));
    for (const entry of cmdArgs) if (entry.indexOf("=") <= 0) throw new UsageError(`Option "--cmd-args" needs KEY=VALUE: got "${entry}"`);
    const launch = { cmds: repeatedOption(rawArgs, "cmd", "cmds"), appNames: list(args.apps), cmdArgs };
    if (args.json && args["dry-run"]) throw new UsageError("--json reports an install as it happens: a --dry-run prints its plan as text");
    const progress = runProgress();
    const events = args.json ? jsonProgress() : undefined;
    const installed = await installCluster(store, {
      remote,
      launch,
      skipPlugins: Boolean(args["skip-plugins"]),
      image,
      dataDir,
      dataDirGiven: args["data-dir"] !== undefined,
      env,
      ...(clusterfile ? { clusterfile } : {}),
      ...(args["host-ip"] ? { hostIp: args["host-ip"] } : {}),
      dryRun: Boolean(args["dry-run"]),
      ladeCommand: ladeCommand(),
      // with --json stdout is the events'; the lines go to stderr
      output: events ? (line) => process.stderr.write(`${line}\n`) : progress.output,
      events: events
        ? (event) => {
            const { event: name, ...fields } = event;
            events.event(name, fields);
          }
        : progress.events,
    }).finally(() => progress.finish());
    if (events) {
      const master0 = installed.master0;
      events.event("installed", { master0: master0 ? { address: master0.address, user: master0.user } : null, dataDir: installed.dataDir ?? resolve(dataDir) });
      return;
    }
    if (!args["dry-run"]) {
      const master0 = installed.master0;
      process.stdout.write(
        master0
          ? `The cluster is up. Its admin kubeconfig is ${ADMIN_KUBECONFIG} on master0 (${master0.address}):\n` +
              `  ssh ${master0.user}@${master0.address} kubectl --kubeconfig ${ADMIN_KUBECONFIG} get nodes\n` +
              `  or copy it here: scp ${master0.user}@${master0.address}:${ADMIN_KUBECONFIG} ./admin.conf && KUBECONFIG=./admin.conf kubectl get nodes\n`
          : `The cluster is up. To reach it:\n  export KUBECONFIG=${ADMIN_KUBECONFIG}\n  kubectl get nodes\n` +
              (installed.dataDir !== DEFAULT_DATA_DIR ? `Its data is in ${installed.dataDir}: remove the cluster with lade delete --data-dir ${installed.dataDir}\n` : ""),
      );
    }
  },
});

/** How to start this lade again: the compiled binary, or bun with the entry script. */
function ladeCommand(): string[] {
  const main = Bun.main;
  return main.endsWith(".ts") || main.endsWith(".js") ? [process.execPath, main] : [process.execPath];
}
