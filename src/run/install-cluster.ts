import { networkInterfaces } from "node:os";
import { chmod, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseImageExtension, type ImageExtension, type Launch } from "../builder/image-extension.ts";
import { parseShadowedTemplates } from "../builder/node-files-annotation.ts";
import { renderHelmTemplate } from "../chart/render-helm-template.ts";
import { hostsWithRole, type Cluster } from "../kubeadm/cluster.ts";
import { resolveClusterEnv, type ClusterEnv } from "../kubeadm/cluster-env.ts";
import { formatKubeadmConfig } from "../kubeadm/format-kubeadm-config.ts";
import { layerClusters } from "../kubeadm/merge-clusters.ts";
import { parseClusterfile, type Clusterfile } from "../kubeadm/parse-clusterfile.ts";
import { readLayerFiles, readLayerFolder } from "../builder/read-layer-files.ts";
import { REGISTRY_HTPASSWD_FILE, ROOTFS_ENV_FILE, rootfsRegistry } from "../kubeadm/rootfs-env.ts";
import { registrySettings, type ImageRegistry, type RegistryAccount } from "./registry-requests.ts";
import { parseRegistryYml, REGISTRY_YML, type RegistryYml } from "../sealer/registry-yml.ts";
import { decodeClusterConfigs, type ClusterConfigFile } from "../sealer/cluster-configs.ts";
import { formatPlugin, readPlugins, resolveLabelSelectors, type SealerPlugin } from "../sealer/plugins.ts";
import { formatLocation, UserInputError } from "../util/source-location.ts";
import { writeClusterConfigs } from "./cluster-config-files.ts";
import { unappliedRequests } from "./unapplied-requests.ts";
import { CONTAINER_RUNTIME_LABEL, KUBERNETES_VERSION_LABEL, resolveKubeadmConfig } from "../kubeadm/resolve-kubeadm-config.ts";
import { formatPlatform } from "../oci/platform.ts";
import { findImage } from "../store/find-image.ts";
import type { OciStore } from "../store/oci-store.ts";
import { readImage } from "../store/read-image.ts";
import { chooseLaunch, LaunchError, type LaunchRequest } from "./choose-launch.ts";
import { readImageClusterfile } from "./image-clusterfile.ts";
import { executeSteps, readState, StepFailedError, writeState, type OutputSink, type RunState } from "./execute-steps.ts";
import { HOST_CHECK_SCRIPT, judgeHost, parseHostReport } from "./host-report.ts";
import { imageEnvOf } from "./image-env.ts";
import { firstMissingFolder, removeMadeParents } from "./made-folders.ts";
import { KUBEADM_CONFIG_FILES, readImageKubeadmConfigs, renderRootfsTemplates, unpackRootfs } from "./rootfs-files.ts";
import { executePhases, deleteHosts, type MultiHostState } from "./install-hosts.ts";
import type { RunEvents } from "./run-events.ts";
import { planHosts, type ClusterHostTarget, type SshTarget } from "./plan-hosts.ts";
import { platformGapWarnings } from "./platform-gap-warnings.ts";
import { choosePlatform, planDelete, planRun, type Step } from "./plan-run.ts";
import { runsAtClean } from "./plugin-steps.ts";
import { createPasswordFile } from "./ssh-password.ts";
import type { PlatformImage } from "../store/read-image.ts";

export const DEFAULT_DATA_DIR = "/var/lib/lade/clusters/default";
/** The data folder on the hosts of `lade run` over SSH (the rootfs, kubeadm config and cluster env there). */
export const DEFAULT_HOST_DATA_DIR = "/var/lib/lade/node";
/** The Clusterfile lade run was given, kept in DATA_DIR. */
export const INSTALLED_CLUSTERFILE = "Clusterfile";

export interface RunOptions {
  readonly image: string;
  readonly dataDir: string;
  /** --data-dir was given: on this machine it wins over the Clusterfile's spec.dataRoot. */
  readonly dataDirGiven?: boolean;
  readonly clusterfile?: { readonly text: string; readonly file: string };
  /** `KEY=VALUE`, above the image's and the Clusterfile's env. */
  readonly env: readonly string[];
  /** This machine's address (default: from the Clusterfile's master, else the first non-loopback IPv4). */
  readonly hostIp?: string;
  readonly dryRun: boolean;
  readonly ladeCommand: readonly string[];
  readonly output: OutputSink;
  /** Told of phases, steps and copies as they happen (a live view, --json). */
  readonly events?: RunEvents;
  /** For tests: the machine's OS and architecture. */
  readonly host?: { os: string; architecture: string };
  /** Install on these hosts over SSH instead of this machine (`--masters`/`--nodes`). */
  readonly remote?: RemoteOptions;
  /** Install although the image or the Clusterfile has sealer plugins, which lade run does not run (`--skip-plugins`). */
  readonly skipPlugins?: boolean;
  /** `--cmd`, `--apps`, `--cmd-args`: above the Clusterfile's spec.cmd, appNames and cmd_args. */
  readonly launch?: Partial<LaunchRequest>;
}

export interface RemoteOptions {
  readonly masters: readonly string[];
  readonly nodes: readonly string[];
  /** Defaults for every host; a Clusterfile host's `ssh` (user, pk, passwd, port) goes above. */
  readonly ssh: Omit<SshTarget, "address" | "passwordFile"> & { readonly password?: string };
  /** The data folder on the hosts (default DEFAULT_HOST_DATA_DIR). */
  readonly hostDir?: string;
  /** The hosts that run the registry (default: every master, or master0 when the Clusterfile's localRegistry.ha is false). */
  readonly registryHosts?: readonly string[];
  /** The first SSH option given on the command line, when one was (refused for a run on this machine). */
  readonly explicit?: string;
}

export class RunError extends Error {
  override name = "RunError";
}

/** Where the cluster's admin kubeconfig is: on this machine, or on master0 (SSH user and address). */
export interface InstalledCluster {
  readonly master0?: { readonly address: string; readonly user: string };
  /** The data folder on this machine, for a run on this machine. */
  readonly dataDir?: string;
}

/** `lade run`: plan the steps for IMAGE, on this machine or on hosts over SSH, and run those not done yet. */
export async function installCluster(store: OciStore, runOptions: RunOptions): Promise<InstalledCluster> {
  let options = runOptions;
  const { output } = options;
  const tagged = await findImage(store, options.image);
  const image = await readImage(store, tagged.descriptor);
  const firstLinux = image.platforms.find((candidate) => candidate.platform.os === "linux") ?? image.platforms[0]!;
  const imageClusterfile = await readImageClusterfile(store, firstLinux);
  const userParsed = options.clusterfile ? parseClusterfile(options.clusterfile.text, options.clusterfile.file) : undefined;
  const imageParsed = imageClusterfile ? parseClusterfile(imageClusterfile.text, imageClusterfile.file) : undefined;
  const userCluster = userParsed?.cluster;
  const cluster = layerClusters(imageParsed?.cluster, userCluster);
  if (imageClusterfile) {
    output(`The image's ${imageClusterfile.file} is ${options.clusterfile ? `merged under ${options.clusterfile.file} (whose fields win)` : "the Clusterfile (no -f given)"}`, "stdout");
  }
  const { configs, plugins: allPlugins, imageRegistry, registryEnv } = await checkRequests(store, firstLinux, [
    ...(imageParsed && imageClusterfile ? [{ parsed: imageParsed, source: imageClusterfile }] : []),
    ...(userParsed && options.clusterfile ? [{ parsed: userParsed, source: options.clusterfile }] : []),
  ], cluster, { image: tagged.name, skipPlugins: Boolean(options.skipPlugins), output });
  // the Clusterfile's registry account and certificate names reach the node scripts below --env
  options = { ...options, env: [...registryEnv, ...options.env] };
  const hostIps = [...new Set((cluster?.hosts ?? []).flatMap((entry) => entry.ips))];
  // over SSH: hosts given, several hosts in the Clusterfile, or its only host is another machine
  const viaSsh =
    (options.remote?.masters.length ?? 0) > 0 || (options.remote?.nodes.length ?? 0) > 0 || hostIps.length > 1 || (hostIps.length === 1 && !options.hostIp && !isLocalAddress(hostIps[0]!));
  if (viaSsh) return installOnHosts(store, { ...options, configs, plugins: allPlugins, imageRegistry, ...(imageClusterfile ? { imageClusterfile } : {}) }, userCluster, tagged, image.platforms);
  if (options.remote?.explicit) throw new RunError(`${options.remote.explicit} applies to hosts over SSH: give --masters IP,... (or a Clusterfile listing the hosts)`);
  const dataDir = chooseDataDir(cluster, options.dataDirGiven ? options.dataDir : undefined, "--data-dir", options.dataDir, output);

  const host = options.host ?? { os: process.platform, architecture: goArch(process.arch) };
  const chosen = choosePlatform(
    image.platforms.map((candidate) => candidate.platform),
    host,
  );
  if (typeof chosen === "string") throw new RunError(chosen);
  const platformImage = image.platforms.find((candidate) => candidate.platform === chosen)!;
  const platformName = formatPlatform(chosen);
  const hostIp = options.hostIp ?? hostsWithRole(cluster, "master")[0] ?? hostIps[0] ?? detectHostIp();
  if (!hostIp) throw new RunError("Cannot find this machine's IP address: give --host-ip");

  const statePath = join(dataDir, "state.json");
  const state: RunState = (await readState(statePath)) ?? { done: [] };
  if (state.digest && state.digest !== tagged.descriptor.digest) {
    throw new RunError(`${dataDir} holds a cluster installed from ${state.image} (${state.digest}): run "lade delete" first, or give another --data-dir`);
  }
  if (state.deleted?.length) throw new RunError(`"lade delete" of ${dataDir} did not finish: run it again first`);
  if (!options.dryRun) await noteMadeFolders(state, dataDir);
  Object.assign(state, { image: tagged.name, digest: tagged.descriptor.digest, platform: platformName, hostIp });
  const thisHost = cluster?.hosts.find((entry) => entry.ips.includes(hostIp));
  const plugins = choosePluginHosts(allPlugins, [{ ip: hostIp, labels: thisHost?.labels ?? {} }], output);
  recordCleanPlugins(state, plugins);
  if (cluster?.hostAliases.length) state.hostAliases = true;

  const extension = parseImageExtension(platformImage.manifest.annotations);
  const rootfs = join(dataDir, "rootfs");
  const kubeVersion = platformImage.config.config.Labels?.[KUBERNETES_VERSION_LABEL];
  recordImageFacts(state, platformImage);
  if (!options.dryRun) await keepClusterfile(dataDir, options.clusterfile);
  const steps = planRun({
    dataDir,
    rootfs,
    ...(kubeVersion ? { kubeVersion } : {}),
    applications: extension?.applications ?? [],
    launch: runLaunch(extension, cluster, options.launch),
    plugins,
    hostIp,
    ...(cluster?.hostAliases.length ? { hostAliases: cluster.hostAliases } : {}),
    ...(thisHost ? { nodeMarks: { labels: thisHost.labels, taints: thisHost.taints } } : {}),
    ladeCommand: options.ladeCommand,
  });
  const imageEnv = imageEnvOf(platformImage);
  const registryDefaults = imageRegistry.registry ? { imageRegistry: imageRegistry.registry } : {};
  const env = resolveClusterEnv({ imageEnv, cluster, host: hostIp, overrides: options.env, ...registryDefaults });
  if (options.dryRun) output(`Installing ${tagged.name} (${platformName}) on this machine (${hostIp}), data in ${dataDir} — dry run, nothing is changed`, "stdout");
  for (const warning of platformGapWarnings(platformImage, `this ${chosen.architecture} machine`)) output(warning, "stderr");

  await executeSteps(steps, {
    statePath,
    state,
    record: "done",
    dryRun: options.dryRun,
    output,
    ...(options.events && !options.dryRun ? { events: options.events } : {}),
    handlers: {
      "check-host": async () => {
        const child = Bun.spawn(["sh", "-c", HOST_CHECK_SCRIPT], { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
        const report = parseHostReport(await new Response(child.stdout).text());
        await child.exited;
        const registryPort = registryPortOf(env);
        const verdict = judgeHost(report, { role: "master0", ...(registryPort ? { registryPort } : {}) });
        output(`[check-host] the image's platform ${platformName}; address ${hostIp}; ${verdict.notes.slice(1).join("; ")}`, "stdout");
        if (verdict.problems.length > 0) throw new Error(`this machine cannot be installed: ${verdict.problems.join("; ")}`);
      },
      "unpack-rootfs": () => unpackRootfs(store, platformImage, rootfs, (dir) => writeClusterConfigs(dir, configs, (line) => output(line, "stdout"))),
      "render-templates": () =>
        renderRootfsTemplates(rootfs, rootfs, env, (template, result) => output(`[render-templates] ${template} → ${result}`, "stdout"), {
          shadowed: parseShadowedTemplates(platformImage.manifest.annotations),
        }),
      "write-kubeadm-config": async () => {
        const imageConfigs = await readImageKubeadmConfigs(rootfs, platformImage);
        if (imageConfigs.length === 0) output(`[kubeadm-config] warning: the image has no ${KUBEADM_CONFIG_FILES.join(" or ")}: lade's defaults are used`, "stderr");
        const config = resolveKubeadmConfig(
          {
            imageConfigs,
            ...(options.clusterfile ? { clusterfile: options.clusterfile } : {}),
            ...(imageClusterfile ? { imageClusterfile } : {}),
            imageEnv,
            imageLabels: { ...platformImage.config.config.Labels },
            ...registryDefaults,
          },
          { role: "master0", node: hostIp, envOverrides: options.env, renderTemplate: (text, data, name) => renderHelmTemplate(name, text, data) },
        );
        for (const warning of config.warnings) output(`[kubeadm-config] warning: ${warning}`, "stderr");
        await Bun.write(join(dataDir, "kubeadm.yaml"), formatKubeadmConfig(config.documents));
      },
    },
  });
  await markInstalled(statePath, state, options.dryRun);
  return { dataDir };
}

/**
 * The data folder of a cluster's host: the one given on the command line, else sealer's
 * spec.dataRoot/NAME (where sealer keeps a cluster's rootfs), else lade's default. A command line
 * folder that differs from the Clusterfile's is used, and said so.
 */
function chooseDataDir(cluster: Cluster | undefined, given: string | undefined, option: "--data-dir" | "--host-data-dir", fallback: string, output: OutputSink): string {
  if (!cluster?.dataRoot) return given ?? fallback;
  const fromClusterfile = join(cluster.dataRoot, cluster.name ?? "default");
  const at = formatLocation(cluster.locate ? cluster.locate(["spec", "dataRoot"]) : cluster.location);
  if (given === undefined) {
    output(`The data folder ${option === "--data-dir" ? "on this machine" : "on the hosts"} is ${fromClusterfile} (spec.dataRoot/metadata.name, ${at})`, "stdout");
    return fromClusterfile;
  }
  if (given !== fromClusterfile) output(`note: ${option} ${given} is used, not ${fromClusterfile} of spec.dataRoot (${at})`, "stderr");
  return given;
}

/** `lade run` on several hosts over SSH: the hosts from --masters/--nodes or the Clusterfile. */
async function installOnHosts(
  store: OciStore,
  options: RunOptions & {
    readonly imageClusterfile?: { readonly text: string; readonly file: string };
    readonly configs: readonly ClusterConfigFile[];
    readonly plugins: readonly SealerPlugin[];
    readonly imageRegistry: ImageRegistry;
  },
  cluster: Cluster | undefined,
  tagged: { name: string; descriptor: { digest: string } },
  platforms: readonly PlatformImage[],
): Promise<InstalledCluster> {
  const { dataDir, output } = options;
  const remote: RemoteOptions = options.remote ?? { masters: [], nodes: [], ssh: { user: "root", port: 22, knownHosts: join(dataDir, "known_hosts"), acceptNewHostKeys: false } };
  let clusterfile = options.clusterfile;
  if (remote.masters.length > 0 || remote.nodes.length > 0) {
    if ((cluster?.hosts.length ?? 0) > 0) throw new RunError("Give the hosts either in the Clusterfile (spec.hosts) or with --masters/--nodes, not both");
    if (cluster) throw new RunError("The Clusterfile has a Cluster document: list the hosts in its spec.hosts instead of --masters/--nodes");
    if (remote.masters.length === 0) throw new RunError("--nodes needs --masters: the first master runs kubeadm init");
    const hosts = [
      ...(remote.masters.length ? [`  - ips: [${remote.masters.join(", ")}]\n    roles: [master]\n`] : []),
      ...(remote.nodes.length ? [`  - ips: [${remote.nodes.join(", ")}]\n    roles: [node]\n`] : []),
    ].join("");
    const synthesized = `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: default\nspec:\n  hosts:\n${hosts}`;
    clusterfile = options.clusterfile
      ? { text: `${options.clusterfile.text.replace(/\n*$/, "\n")}---\n${synthesized}`, file: options.clusterfile.file }
      : { text: synthesized, file: "(--masters/--nodes)" };
  }
  // the hosts of --masters/--nodes are a Cluster document of their own, read like the user's
  const imageCluster = options.imageClusterfile ? parseClusterfile(options.imageClusterfile.text, options.imageClusterfile.file).cluster : undefined;
  const hostsCluster = layerClusters(imageCluster, clusterfile === options.clusterfile ? cluster : parseClusterfile(clusterfile!.text, clusterfile!.file).cluster)!;
  const masters = hostsWithRole(hostsCluster, "master");
  const targets: ClusterHostTarget[] = [];
  const { password: defaultPassword, ...sshDefaults } = remote.ssh;
  for (const entry of hostsCluster.hosts) {
    for (const ip of entry.ips) {
      if (targets.some((target) => target.ip === ip)) continue;
      const role = ip === masters[0] ? "master0" : entry.roles.includes("master") ? "master" : "node";
      const ssh = { ...hostsCluster.ssh, ...entry.ssh };
      if (ssh.pkPasswd || ssh.encrypted) {
        throw new RunError(
          `${ip}: ssh.pkPasswd/encrypted are not supported (the system ssh cannot be given a key's passphrase): load the key into ssh-agent (ssh-add) and leave ssh.pk out, or use ssh.passwd`,
        );
      }
      const key = ssh.pk ?? sshDefaults.key;
      // a key given for the host wins over a password given for all; a password for the host wins over a key for all
      const password = ssh.passwd ?? (entry.ssh.pk ? undefined : defaultPassword);
      targets.push({
        ip,
        role,
        marks: { labels: entry.labels, taints: entry.taints },
        ssh: {
          ...sshDefaults,
          address: ip,
          user: ssh.user ?? sshDefaults.user,
          port: ssh.port ? Number(ssh.port) : sshDefaults.port,
          ...(key ? { key } : {}),
          ...(password !== undefined ? { passwordFile: createPasswordFile(password) } : {}),
        },
      });
    }
  }
  // sealer's rule: the registry on every master, unless localRegistry.ha is false (master0 only)
  const registryHosts = remote.registryHosts ?? (hostsCluster.registry.local?.ha === false ? [masters[0]!] : masters);
  for (const ip of registryHosts) {
    if (!targets.some((target) => target.ip === ip)) throw new RunError(`--registry-host ${ip} is not one of the hosts: ${targets.map((target) => target.ip).join(", ")}`);
  }
  const hostDir = chooseDataDir(hostsCluster, remote.hostDir, "--host-data-dir", DEFAULT_HOST_DATA_DIR, output);
  const statePath = join(dataDir, "state.json");
  const state: MultiHostState = ((await readState(statePath)) as MultiHostState | undefined) ?? { done: [] };
  if (state.digest && state.digest !== tagged.descriptor.digest) {
    throw new RunError(`${dataDir} holds a cluster installed from ${state.image} (${state.digest}): run "lade delete --all" first, or give another --data-dir`);
  }
  const unfinished = Object.entries(state.hosts ?? {}).filter(([, host]) => host.deleted?.length);
  if (unfinished.length > 0) {
    throw new RunError(`"lade delete" did not finish on ${unfinished.map(([ip]) => ip).join(", ")}: run "lade delete --data-dir ${dataDir} --nodes ${unfinished.map(([ip]) => ip).join(",")}" again first`);
  }
  const previousMaster0 = Object.entries(state.hosts ?? {}).find(([, host]) => host.role === "master0")?.[0];
  if (previousMaster0 && previousMaster0 !== masters[0]) {
    throw new RunError(`${dataDir} installed the cluster with ${previousMaster0} as master0 (the first master): keep it first, now it is ${masters[0]}`);
  }
  if (!options.dryRun) await noteMadeFolders(state, dataDir);
  if (state.hostDir && state.hostDir !== hostDir) throw new RunError(`${dataDir} installed the hosts with their data in ${state.hostDir}: give --host-data-dir ${state.hostDir}`);
  Object.assign(state, { image: tagged.name, digest: tagged.descriptor.digest });
  const plugins = choosePluginHosts(options.plugins, targets.map((target) => ({ ip: target.ip, labels: target.marks?.labels ?? {} })), output);
  recordCleanPlugins(state, plugins);
  if (hostsCluster.hostAliases.length > 0) state.hostAliases = true;
  const linux = new Map(platforms.filter((candidate) => candidate.platform.os === "linux").map((candidate) => [candidate.platform.architecture, candidate]));
  const first = [...linux.values()][0];
  if (!first) throw new RunError("The image has no linux platform");
  const extension = parseImageExtension(first.manifest.annotations);
  const launch = runLaunch(extension, hostsCluster, options.launch);
  const kubeVersion = first.config.config.Labels?.[KUBERNETES_VERSION_LABEL];
  recordImageFacts(state, first);
  if (!options.dryRun) await keepClusterfile(dataDir, options.clusterfile);
  const registryDefaults = options.imageRegistry.registry ? { imageRegistry: options.imageRegistry.registry } : {};
  const clusterEnv = resolveClusterEnv({ imageEnv: imageEnvOf(first), cluster: hostsCluster, host: registryHosts[0]!, overrides: options.env, ...registryDefaults });
  const registryPort = registryPortOf(clusterEnv);
  const phases = planHosts({
    dataDir,
    hostDir,
    registryHosts,
    ...(kubeVersion ? { kubeVersion } : {}),
    hosts: targets,
    applications: extension?.applications ?? [],
    launch,
    plugins,
    hostAliases: hostsCluster.hostAliases,
    ladeCommand: options.ladeCommand,
  });
  output(
    `Installing ${tagged.name} on ${targets.map((target) => `${target.ip} (${target.role})`).join(", ")} over SSH, data in ${dataDir}${options.dryRun ? " — dry run, nothing is changed" : ""}`,
    "stdout",
  );
  // a dry run does not reach the hosts, so their architectures are not known: say what each would lack
  if (options.dryRun) for (const platform of linux.values()) for (const warning of platformGapWarnings(platform, `${platform.platform.architecture} hosts`)) output(warning, "stderr");
  await executePhases(phases, {
    store,
    dataDir,
    hostDir,
    registryHosts,
    ...(registryPort ? { registryPort } : {}),
    ...(kubeVersion ? { kubeVersion } : {}),
    statePath,
    state,
    hosts: targets,
    platforms: linux,
    ...(clusterfile ? { clusterfile } : {}),
    ...(options.imageClusterfile ? { imageClusterfile: options.imageClusterfile } : {}),
    configs: options.configs,
    cluster: hostsCluster,
    env: options.env,
    ...registryDefaults,
    dryRun: options.dryRun,
    output,
    ...(options.events ? { events: options.events } : {}),
  });
  await markInstalled(statePath, state, options.dryRun);
  const master0 = targets.find((target) => target.role === "master0")!;
  return { master0: { address: master0.ip, user: master0.ssh.user } };
}

/** The image's Kubernetes version and container runtime, in the state (lade upgrade starts from them). */
function recordImageFacts(state: RunState, platform: PlatformImage): void {
  const labels = platform.config.config.Labels ?? {};
  if (labels[KUBERNETES_VERSION_LABEL]) state.kubeVersion = labels[KUBERNETES_VERSION_LABEL];
  if (labels[CONTAINER_RUNTIME_LABEL]) state.cri = labels[CONTAINER_RUNTIME_LABEL];
}

/** The Clusterfile of lade run, kept as DATA_DIR/Clusterfile (private: it may hold passwords) for the commands of day 2. */
async function keepClusterfile(dataDir: string, clusterfile: { readonly text: string } | undefined): Promise<void> {
  if (!clusterfile) return;
  const file = join(dataDir, INSTALLED_CLUSTERFILE);
  await mkdir(dataDir, { recursive: true });
  await Bun.write(file, clusterfile.text);
  await chmod(file, 0o600);
}

/** Every step done: the state says when (lade status tells a finished install from a stopped one). */
async function markInstalled(statePath: string, state: RunState, dryRun: boolean): Promise<void> {
  if (dryRun || state.installedAt) return;
  state.installedAt = new Date().toISOString();
  await writeState(statePath, state);
}

/** `lade delete`: reset kubeadm, run clean.sh, remove the data folder; each step recorded. */
export async function deleteCluster(options: {
  dataDir: string;
  dryRun: boolean;
  output: OutputSink;
  /** Over SSH: every host lade run installed (`all`) or some of them. */
  hosts?: "all" | readonly string[];
  /** The SSH password, for hosts lade run reached with one. */
  sshPassword?: string;
  /** The Clusterfile lade run was given: its hosts' ssh.passwd, for hosts reached with a password. */
  clusterfile?: { readonly text: string; readonly file: string };
}): Promise<Step[]> {
  const { dataDir, output } = options;
  const statePath = join(dataDir, "state.json");
  const exists = await stat(dataDir).then(
    () => true,
    () => false,
  );
  if (!exists) throw new RunError(`Nothing to delete: ${dataDir} does not exist`);
  const state: RunState = (await readState(statePath)) ?? { done: [] };
  const hosts = (state as MultiHostState).hosts;
  if (hosts) {
    if (!options.hosts) throw new RunError(`${dataDir} holds a cluster on hosts ${Object.keys(hosts).join(", ")}: give --all or --nodes IP,...`);
    const ips = options.hosts === "all" ? Object.keys(hosts) : options.hosts;
    for (const ip of ips) if (!hosts[ip]) throw new RunError(`${ip} is not one of the hosts of ${dataDir}: ${Object.keys(hosts).join(", ") || "none left"}`);
    await deleteHosts({
      dataDir,
      statePath,
      state: state as MultiHostState,
      ips,
      ...(options.sshPassword !== undefined ? { passwordFile: createPasswordFile(options.sshPassword) } : {}),
      ...(options.clusterfile ? { passwordFiles: clusterfilePasswords(options.clusterfile) } : {}),
      dryRun: options.dryRun,
      output,
    });
    if (!options.dryRun && Object.keys(hosts).length === 0) await removeDataDir(dataDir, state);
    return [];
  }
  if (options.hosts && options.hosts !== "all") throw new RunError(`${dataDir} holds a cluster on this machine only: --nodes does not apply`);
  const steps = planDelete(dataDir, state);
  await executeSteps(steps, {
    statePath,
    state,
    record: "deleted",
    dryRun: options.dryRun,
    output,
    handlers: { "remove-data-dir": () => removeDataDir(dataDir, state) },
  });
  return steps;
}

export { StepFailedError };

/** Each host's ssh.passwd in a Clusterfile (the host's own, else the Cluster's), as password files. */
export function clusterfilePasswords(clusterfile: { readonly text: string; readonly file: string }): Map<string, string> {
  const cluster = parseClusterfile(clusterfile.text, clusterfile.file).cluster;
  const files = new Map<string, string>();
  for (const entry of cluster?.hosts ?? []) {
    const password = entry.ssh.passwd ?? cluster?.ssh.passwd;
    if (password !== undefined) for (const ip of entry.ips) files.set(ip, createPasswordFile(password));
  }
  return files;
}

/** Before the first step: which folders of DATA_DIR lade is about to make (kept in the state). */
async function noteMadeFolders(state: RunState, dataDir: string): Promise<void> {
  if (state.done.length > 0 || state.madeFrom) return;
  // lade delete removes DATA_DIR whole: never a folder that holds something else
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.some((name) => !["state.json", "known_hosts", INSTALLED_CLUSTERFILE].includes(name))) throw new RunError(`${dataDir} holds other files (${entries.slice(0, 3).join(", ")}…): give an empty or new --data-dir`);
  const missing = await firstMissingFolder(dataDir);
  if (missing) state.madeFrom = missing;
}

async function removeDataDir(dataDir: string, state: RunState): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  if (state.madeFrom) await removeMadeParents(dataDir, state.madeFrom);
}

/**
 * Before anything changes: stop on what the Clusterfiles (the image's, then the user's) or the
 * image's plugins/ ask for that lade run does not do, all of it at once; return their Config files.
 */
export async function checkRequests(
  store: OciStore,
  platform: PlatformImage,
  clusterfiles: readonly { parsed: Clusterfile; source: { readonly text: string; readonly file: string } }[],
  cluster: Cluster | undefined,
  options: { image: string; skipPlugins: boolean; output: OutputSink },
): Promise<{ configs: ClusterConfigFile[]; plugins: SealerPlugin[]; imageRegistry: ImageRegistry; registryEnv: string[] }> {
  const layers = platform.manifest.layers.map((layer) => ({ blobPath: store.blobPath(layer.digest) }));
  const registryFiles = await readLayerFiles(layers, new Set([ROOTFS_ENV_FILE, REGISTRY_HTPASSWD_FILE, REGISTRY_YML]));
  const madeFor = rootfsRegistry(registryFiles.get(ROOTFS_ENV_FILE));
  const htpasswd = registryFiles.get(REGISTRY_HTPASSWD_FILE);
  const ymlText = registryFiles.get(REGISTRY_YML);
  let yml: RegistryYml | undefined;
  try {
    yml = ymlText === undefined ? undefined : parseRegistryYml(ymlText, REGISTRY_YML);
  } catch (error) {
    if (error instanceof UserInputError) throw new RunError(`The image's ${error.message}`);
    throw error;
  }
  const imageRegistry: ImageRegistry = { ...(madeFor ? { registry: madeFor } : {}), ...(htpasswd !== undefined ? { htpasswd } : {}), ...(yml ? { yml } : {}) };
  const pluginFiles = [...(await readLayerFolder(layers, "plugins"))].filter(([path]) => /\.ya?ml$/.test(path)).sort(([a], [b]) => (a < b ? -1 : 1));
  const read = [...pluginFiles.map(([path, text]) => readPlugins(text, path)), ...clusterfiles.map(({ source }) => readPlugins(source.text, source.file))];
  const refused = read.flatMap((entry) => entry.refused);
  const plugins: SealerPlugin[] = [];
  for (const plugin of read.flatMap((entry) => entry.plugins)) {
    if (!plugins.some((other) => samePlugin(other, plugin))) plugins.push(plugin); // sealer drops exact duplicates
  }
  const problems = unappliedRequests(
    clusterfiles.map(({ parsed }) => ({
      ...(parsed.cluster ? { cluster: parsed.cluster } : {}),
      applications: parsed.sealerDocuments.filter((document) => document.kind === "Application").map((document) => formatLocation(document.locate(["kind"]))),
    })),
    refused,
    { ...options, imageRegistry },
  );
  const locate = (path: readonly (string | number)[]) => (cluster?.locate ? cluster.locate(path) : cluster!.location);
  const settings = await registrySettings(cluster, imageRegistry, locate);
  problems.push(...settings.problems);
  if (problems.length > 0) throw new RunError(`Nothing was changed: lade run cannot do all this Clusterfile and image ask for:\n  ${problems.join("\n  ")}`);
  for (const plugin of refused) options.output(`warning: --skip-plugins: installing without ${formatPlugin(plugin)} (${plugin.why})`, "stderr");
  try {
    const configs = clusterfiles.flatMap(({ parsed }) => decodeClusterConfigs(parsed.sealerDocuments));
    // an account the image has no htpasswd for: the registry gets one (bcrypt), like the Config files
    if (settings.newAccount) configs.push(await accountConfig(settings.newAccount));
    return { configs, plugins, imageRegistry, registryEnv: settings.env };
  } catch (error) {
    if (error instanceof UserInputError) throw new RunError(error.message);
    throw error;
  }
}

/** The plugins with their label selectors resolved to the hosts; a host they name that is not one stops the run. */
function choosePluginHosts(plugins: readonly SealerPlugin[], hosts: readonly { ip: string; labels: Readonly<Record<string, string>> }[], output: OutputSink): SealerPlugin[] {
  const resolved = resolveLabelSelectors(plugins, hosts);
  if (resolved.problems.length > 0) throw new RunError(`Nothing was changed: ${resolved.problems.join("\n  ")}`);
  for (const warning of resolved.warnings) output(`warning: ${warning}`, "stderr");
  return resolved.plugins;
}

/** The registry's htpasswd for an account asked for at install time, written into the rootfs like a Config file. */
async function accountConfig(account: RegistryAccount): Promise<ClusterConfigFile> {
  const hash = await Bun.password.hash(account.password, { algorithm: "bcrypt", cost: 10 });
  return { name: `registry account ${account.username}`, path: REGISTRY_HTPASSWD_FILE, data: `${account.username}:${hash}\n`, strategy: "overwrite", location: account.location };
}

/** lade delete runs the plugins of its points from the state: the image may be gone by then. */
function recordCleanPlugins(state: RunState, plugins: readonly SealerPlugin[]): void {
  const clean = plugins.filter(runsAtClean);
  if (clean.length > 0) state.cleanPlugins = clean;
  else delete state.cleanPlugins;
}

function samePlugin(a: SealerPlugin, b: SealerPlugin): boolean {
  return a.name === b.name && a.action === b.action && a.data === b.data && JSON.stringify(a.hosts) === JSON.stringify(b.hosts);
}

/** What the run launches: the image's launch, or what the Clusterfile and lade run's options ask for instead. */
function runLaunch(extension: ImageExtension | undefined, cluster: Cluster | undefined, options: Partial<LaunchRequest> = {}): Launch {
  const pick = (mine: readonly string[] | undefined, theirs: readonly string[] | undefined) => (mine && mine.length > 0 ? mine : (theirs ?? []));
  try {
    return chooseLaunch(extension?.launch, extension?.applications ?? [], {
      cmds: pick(options.cmds, cluster?.cmd),
      appNames: pick(options.appNames, cluster?.appNames),
      cmdArgs: pick(options.cmdArgs, cluster?.cmdArgs),
    });
  } catch (error) {
    if (error instanceof LaunchError) throw new RunError(error.message);
    throw error;
  }
}

/** The port of the cluster's own registry, from the cluster env (checked free where it will run). */
function registryPortOf(env: ClusterEnv): number | undefined {
  return Number(env.LocalRegistryPort ?? env.RegistryPort) || undefined;
}

function goArch(arch: string): string {
  return arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
}

function isLocalAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((addresses) => (addresses ?? []).some((address) => address.address === ip));
}

function detectHostIp(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === "IPv4" && !address.internal) return address.address;
  }
  return undefined;
}
