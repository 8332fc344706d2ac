import type { Application, Launch } from "../builder/image-extension.ts";
import { formatPlatform, type Platform } from "../oci/platform.ts";
import type { PluginPoint, SealerPlugin } from "../sealer/plugins.ts";
import { pluginSteps } from "./plugin-steps.ts";
import { ADMIN_KUBECONFIG } from "./kubectl.ts";
import { shellQuote } from "./shell-quote.ts";
import type { HostAlias } from "./host-aliases.ts";
import { hasNodeMarks, type NodeMarks } from "../sealer/node-marks.ts";
import { hostAliasSteps, nodeMarksStep, removeHostAliasSteps } from "./host-setting-steps.ts";

export { ADMIN_KUBECONFIG, shellQuote };

/**
 * What a step does besides running commands: lade's own work (unpacking, rendering, writing the
 * kubeadm config, checking the host, removing the data folder), done by the executor's handlers.
 */
export type StepAction =
  | "check-host"
  | "unpack-rootfs"
  | "render-templates"
  | "write-kubeadm-config"
  | "remove-data-dir"
  | "copy-rootfs"
  | "join-credentials"
  | "registry-ca"
  | "registry-certificate"
  | "render-helm-app"
  | "check-upgrade";

export interface Step {
  /** Stable name, recorded in the state file once the step succeeded. */
  readonly id: string;
  readonly description: string;
  /** lade's own work, done before the commands. */
  readonly action?: StepAction;
  /** Commands run in order (argv, no shell); the first non-zero exit fails the step. */
  readonly commands: readonly (readonly string[])[];
  /** Extra environment for the commands. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Commands lade's own work (the action) runs, shown by --dry-run. */
  readonly shows?: readonly string[];
  /** Skip the step (as done) when this file does not exist when it is reached. */
  readonly onlyIfExists?: string;
  /** The helm app this step launches (its chart is rendered offline). */
  readonly helmApp?: string;
}

export interface RunFacts {
  readonly dataDir: string;
  /** The rootfs of the chosen platform, unpacked: DATA_DIR/rootfs. */
  readonly rootfs: string;
  readonly applications: readonly Application[];
  readonly launch?: Launch;
  /** How to start lade itself (for `lade render chart`). */
  readonly ladeCommand: readonly string[];
  /** The image's Kubernetes version, for charts' .Capabilities.KubeVersion. */
  readonly kubeVersion?: string;
  /** This machine's address (a plugin's `on` may name it). */
  readonly hostIp?: string;
  /** sealer SHELL plugins (the image's plugins/, then the Clusterfiles'), run at their points. */
  readonly plugins?: readonly SealerPlugin[];
  /** The Clusterfile's spec.hostAliases: /etc/hosts lines on every host. */
  readonly hostAliases?: readonly HostAlias[];
  /** The Clusterfile's labels and taints for this machine's node (one machine only). */
  readonly nodeMarks?: NodeMarks;
}

/** The cluster env of a host, written next to the rendered templates; init.sh and clean.sh get it exported. */
export const CLUSTER_ENV_FILE = "etc/lade-cluster.env";

/**
 * sealer's calling convention for init.sh and clean.sh, which scripts written for sealer rely on:
 * run from the scripts folder, with the container storage folder, the registry's domain and its
 * port as arguments (lade's own scripts ignore them and read the env).
 */
export const SEALER_SCRIPT_ARGUMENTS = '"${ContainerDataRoot:-/var/lib/docker}" "${RegistryDomain:-sea.hub}" "${RegistryPort:-5000}"';

/**
 * A shell line running ROOTFS/SCRIPT with the cluster env exported (when its file exists), from
 * the script's folder with sealer's arguments; ROOTFS is shell text (quoted already). Assignments
 * in `settings` come after the file, so lade's own values win.
 */
export function withClusterEnv(rootfs: string, script: string, settings: readonly string[] = []): string {
  const envFile = `${rootfs}/${CLUSTER_ENV_FILE}`;
  const slash = script.lastIndexOf("/");
  const run = [...settings, "bash", script.slice(slash + 1), SEALER_SCRIPT_ARGUMENTS].join(" ");
  return `if [ -f ${envFile} ]; then set -a; . ${envFile}; set +a; fi; cd ${rootfs}/${script.slice(0, slash)} && ${run}`;
}


/** The platform of the image for this machine: same OS and architecture (variant ignored), else an error text. */
export function choosePlatform(platforms: readonly Platform[], host: { os: string; architecture: string }): Platform | string {
  if (host.os !== "linux") return `lade run installs Kubernetes on Linux only: this machine runs ${host.os}`;
  const match = platforms.find((platform) => platform.os === host.os && platform.architecture === host.architecture);
  if (match) return match;
  return `The image has no ${host.os}/${host.architecture} platform for this machine: it has ${platforms.map(formatPlatform).join(", ") || "none"}`;
}

/** A shell script as a command on this machine. */
const local = (script: string): readonly string[] => ["bash", "-c", script];

/** The steps of `lade run` on one machine, in order. */
export function planRun(facts: RunFacts): Step[] {
  const { dataDir, rootfs } = facts;
  // this machine is master0; a plugin runs here with bash -c
  const plugins = (point: PluginPoint) => pluginSteps(facts.plugins ?? [], point, { ip: facts.hostIp ?? "", role: "master0" }, shellQuote(rootfs), local, CLUSTER_ENV_FILE);
  const kubeadmConfig = `${dataDir}/kubeadm.yaml`;
  const steps: Step[] = [
    { id: "check-host", description: "Check this machine: OS, architecture, swap, ports", action: "check-host", commands: [] },
    ...hostAliasSteps(facts, local),
    { id: "unpack-rootfs", description: `Unpack the image's rootfs into ${rootfs}`, action: "unpack-rootfs", commands: [] },
    {
      id: "render-templates",
      description: `Render the *.tmpl files under ${rootfs}/{etc,manifests,charts} with the cluster env`,
      action: "render-templates",
      commands: [],
    },
    { id: "kubeadm-config", description: `Write the kubeadm config for master0 to ${kubeadmConfig}`, action: "write-kubeadm-config", commands: [] },
    ...plugins("before-node-setup"),
    {
      id: "init-node",
      description: "Set up the container runtime, registry and kubelet (scripts/init.sh with the cluster env)",
      commands: [["bash", "-c", withClusterEnv(shellQuote(rootfs), "scripts/init.sh")]],
    },
    ...plugins("after-node-setup"),
    {
      id: "kubeadm-init",
      description: "Initialize the control plane",
      commands: [["bash", "-c", retryingKubeadm(shellQuote(`${dataDir}/kubeadm-init.started`), `kubeadm init --config ${shellQuote(kubeadmConfig)} --upload-certs`)]],
    },
    ...plugins("after-init"),
    ...(hasNodeMarks(facts.nodeMarks) ? [nodeMarksStep(facts.hostIp ?? "", facts.nodeMarks, local)] : []),
  ];
  steps.push(...plugins("before-launch"), ...planLaunch(facts), ...plugins("after-install"));
  return steps;
}

export function planLaunch(facts: RunFacts): Step[] {
  const env = { KUBECONFIG: ADMIN_KUBECONFIG };
  const launch = facts.launch;
  if (launch?.cmds && launch.cmds.length > 0) {
    return [{ id: "launch-cmds", description: "Run the launch commands (the image's CMDS, or the Clusterfile's spec.cmd / --cmd)", commands: launch.cmds.map((cmd) => ["bash", "-c", cmd]), env, cwd: facts.rootfs }];
  }
  return (launch?.app_names ?? []).map((name): Step => {
    const app = facts.applications.find((candidate) => candidate.name === name);
    const dir = `${facts.rootfs}/application/apps/${name}`;
    const base = { id: `launch-${name}`, env, cwd: dir };
    if (!app) return { ...base, description: `Launch app ${name}: the image does not describe it`, commands: [["false"]] };
    if (app.cmds && app.cmds.length > 0) {
      return { ...base, description: `Launch app ${name} (its commands)`, commands: app.cmds.map((cmd) => ["bash", "-c", cmd]) };
    }
    if (app.type === "helm") {
      // like helm install: the chart's CRDs too, for the cluster's Kubernetes version
      const version = facts.kubeVersion ? ["--kube-version", facts.kubeVersion] : [];
      const render = [...facts.ladeCommand, "render", "chart", dir, "--name", name, "--include-crds", ...version].map(shellQuote).join(" ");
      return {
        ...base,
        description: `Launch helm app ${name} (rendered offline, applied)`,
        helmApp: name,
        commands: [["bash", "-c", `set -o pipefail; ${render} | kubectl apply -f -`]],
      };
    }
    if (app.type === "shell") {
      return { ...base, description: `Launch shell app ${name}`, commands: app.files.map((file) => ["bash", `${dir}/${file}`]) };
    }
    return { ...base, description: `Launch kube app ${name}`, commands: app.files.map((file) => ["kubectl", "apply", "-f", `${dir}/${file}`]) };
  });
}

/** What lade run recorded for lade delete on this machine. */
export interface DeleteFacts {
  /** The clean-time plugins, run on this machine as master0 at HOST_IP. */
  readonly cleanPlugins?: readonly SealerPlugin[];
  readonly hostIp?: string;
  /** lade run wrote the Clusterfile's hostAliases into /etc/hosts. */
  readonly hostAliases?: boolean;
}

/**
 * The steps of `lade delete`: the clean-time plugins lade run recorded, undo kubeadm, undo
 * init.sh, the plugins that run after it, take the hostAliases out, then forget everything.
 */
export function planDelete(dataDir: string, facts: DeleteFacts = {}): Step[] {
  const rootfs = `${dataDir}/rootfs`;
  const plugins = (point: PluginPoint) => pluginSteps(facts.cleanPlugins ?? [], point, { ip: facts.hostIp ?? "", role: "master0" }, shellQuote(rootfs), local, CLUSTER_ENV_FILE);
  return [
    ...plugins("before-clean"),
    { id: "kubeadm-reset", description: "Reset what kubeadm set up (when kubeadm is installed)", commands: [["bash", "-c", KUBEADM_RESET]] },
    {
      id: "clean-node",
      description: "Undo the node set-up (scripts/clean.sh)",
      commands: [["bash", "-c", withClusterEnv(shellQuote(rootfs), "scripts/clean.sh")]],
      onlyIfExists: `${rootfs}/scripts/clean.sh`,
    },
    ...plugins("after-clean"),
    ...removeHostAliasSteps(facts.hostAliases, local),
    { id: "remove-data-dir", description: `Remove ${dataDir}`, action: "remove-data-dir", commands: [] },
  ];
}

/** `kubeadm reset -f`, on a machine where init.sh got as far as installing kubeadm. */
export const KUBEADM_RESET = "if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f; fi";

/**
 * A kubeadm init or join that can be run again after it failed half-way: a second attempt first
 * resets what the first one left (manifests, kubelet.conf, busy ports would fail its pre-flight
 * checks). MARKER (shell text) notes that an attempt was started.
 */
export function retryingKubeadm(marker: string, command: string): string {
  return `if [ -e ${marker} ]; then kubeadm reset -f; fi; touch ${marker}; ${command}`;
}

/** A command as a shell would read it, for --dry-run and errors. */
export function formatCommand(command: readonly string[], env?: Readonly<Record<string, string>>): string {
  const prefix = Object.entries(env ?? {}).map(([key, value]) => `${key}=${shellQuote(value)} `).join("");
  return prefix + command.map(shellQuote).join(" ");
}

