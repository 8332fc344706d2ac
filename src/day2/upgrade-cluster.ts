import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { readLayerFiles } from "../builder/read-layer-files.ts";
import { layerClusters } from "../kubeadm/merge-clusters.ts";
import { parseClusterfile } from "../kubeadm/parse-clusterfile.ts";
import { CONTAINER_RUNTIME_LABEL, KUBERNETES_VERSION_LABEL } from "../kubeadm/resolve-kubeadm-config.ts";
import { parseImageReference } from "../oci/image-reference.ts";
import { kubeadmImages } from "../rootfs/kubeadm-images.ts";
import { resolveKubernetesRelease } from "../rootfs/kubernetes-release.ts";
import { findImage } from "../store/find-image.ts";
import type { OciStore } from "../store/oci-store.ts";
import { readImage, type PlatformImage } from "../store/read-image.ts";
import { readState, writeState, type OutputSink } from "../run/execute-steps.ts";
import { UNAME_ARCH } from "../run/host-report.ts";
import { readImageClusterfile } from "../run/image-clusterfile.ts";
import { executePhases, type MultiHostState } from "../run/install-hosts.ts";
import { checkRequests, clusterfilePasswords, INSTALLED_CLUSTERFILE, RunError } from "../run/install-cluster.ts";
import { withPasswordFile, type ClusterHostTarget } from "../run/plan-hosts.ts";
import { readFromHost } from "./exec-hosts.ts";
import { planUpgrade, UPGRADE_CHECK_SCRIPT, UPGRADE_ROOTFS_NAME } from "./plan-upgrade.ts";
import { upgradePathProblem } from "./upgrade-path.ts";

export interface UpgradeOptions {
  readonly image: string;
  /** The folder lade run used. */
  readonly dataDir: string;
  /** The Clusterfile (default: the one lade run kept in DATA_DIR); its hosts must be the cluster's. */
  readonly clusterfile?: { readonly text: string; readonly file: string };
  readonly env: readonly string[];
  /** The SSH password, for hosts lade run reached with one. */
  readonly passwordFile?: string;
  readonly drainTimeoutSeconds: number;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly output: OutputSink;
}

/**
 * `lade upgrade IMAGE`: the cluster lade run installed over SSH, to the Kubernetes version of
 * IMAGE. Everything is checked before a host changes (an installed cluster, a version kubeadm can
 * go to from the installed one, the same container runtime, a platform for every host's
 * architecture, kubeadm's images of the new version in the image's registry); then the steps of
 * planUpgrade, recorded per host in the state, so a rerun resumes where one failed. When every
 * host is done, the state names the new image and its rootfs becomes the cluster's (lade join
 * copies it to new hosts).
 */
export async function upgradeCluster(store: OciStore, options: UpgradeOptions): Promise<void> {
  const { dataDir, output } = options;
  const statePath = join(dataDir, "state.json");
  const state = (await readState(statePath)) as MultiHostState | undefined;
  if (!state?.image || !state.digest) throw new RunError(`No cluster in ${dataDir}: lade run writes its state.json there (give the folder with --data-dir)`);
  const installed = Object.entries(state.hosts ?? {});
  if (installed.length === 0) throw new RunError("This cluster was installed on this machine, not over SSH: lade upgrade upgrades clusters on hosts");
  if (!state.installedAt) throw new RunError(`The install of ${state.image} did not finish: run lade run again first`);
  const deleting = installed.filter(([, host]) => (host.deleted?.length ?? 0) > 0).map(([ip]) => ip);
  if (deleting.length > 0) throw new RunError(`"lade delete" did not finish on ${deleting.join(", ")}: run it again first`);

  const tagged = await findImage(store, options.image);
  const image = await readImage(store, tagged.descriptor);
  const linux = new Map(image.platforms.filter((candidate) => candidate.platform.os === "linux").map((candidate) => [candidate.platform.architecture, candidate]));
  const first = [...linux.values()][0];
  if (!first) throw new RunError(`${tagged.name} has no linux platform`);
  const labels = first.config.config.Labels ?? {};
  const target = labels[KUBERNETES_VERSION_LABEL];
  if (!target) throw new RunError(`${tagged.name} does not say which Kubernetes version it holds (no ${KUBERNETES_VERSION_LABEL} label): build it from a lade rootfs context`);
  const under = state.upgrade;
  if (under && under.digest !== tagged.descriptor.digest) {
    throw new RunError(`The upgrade to ${under.image} (${under.to}) did not finish: run "lade upgrade ${under.image}" again to finish it first`);
  }
  // states of lade run before it recorded them: the installed image's labels, when the store still has it
  const installedLabels = state.kubeVersion && state.cri ? {} : await labelsOf(store, state.digest);
  const from = under?.from ?? state.kubeVersion ?? installedLabels[KUBERNETES_VERSION_LABEL];
  if (!from) throw new RunError(`Cannot tell which Kubernetes version the cluster runs: ${state.image} (${state.digest}) is not in the store and state.json does not record it; lade pull or lade load it`);

  const problems: string[] = [];
  const path = upgradePathProblem(from, target);
  if (path) problems.push(path);
  const installedCri = state.cri ?? installedLabels[CONTAINER_RUNTIME_LABEL];
  const newCri = labels[CONTAINER_RUNTIME_LABEL];
  if (installedCri && newCri && installedCri !== newCri) problems.push(`${tagged.name} runs ${newCri}, the cluster ${installedCri}: lade upgrade does not change the container runtime`);
  for (const [ip, host] of installed) {
    if (host.arch && !linux.has(host.arch)) problems.push(`${ip} is ${host.arch} and ${tagged.name} has no linux/${host.arch} platform: it has ${[...linux.keys()].map((arch) => `linux/${arch}`).join(", ")}`);
  }
  for (const arch of new Set(installed.map(([, host]) => host.arch).filter((arch): arch is string => Boolean(arch)))) {
    const platform = linux.get(arch);
    if (platform) problems.push(...(await missingKubeadmImages(store, platform, target)).map((reference) => `${tagged.name} (linux/${arch}) has no ${reference} in its registry: kubeadm upgrade apply needs it`));
  }
  const clusterfile = options.clusterfile ?? (await keptClusterfile(dataDir));
  const userParsed = clusterfile ? parseClusterfile(clusterfile.text, clusterfile.file) : undefined;
  const userCluster = userParsed?.cluster;
  const listed = new Set((userCluster?.hosts ?? []).flatMap((entry) => entry.ips));
  if (listed.size > 0) {
    const known = new Set(installed.map(([ip]) => ip));
    const differ = [...listed].filter((ip) => !known.has(ip)).concat([...known].filter((ip) => !listed.has(ip)));
    if (differ.length > 0) problems.push(`${clusterfile!.file} lists other hosts than the cluster has (${differ.join(", ")}): make them the same with lade apply -f first`);
  }
  if (problems.length > 0) throw new RunError(`Nothing was changed: lade upgrade to ${tagged.name} cannot go on:\n  ${problems.join("\n  ")}`);

  const imageClusterfile = await readImageClusterfile(store, first);
  const imageParsed = imageClusterfile ? parseClusterfile(imageClusterfile.text, imageClusterfile.file) : undefined;
  const cluster = layerClusters(imageParsed?.cluster, userCluster);
  const requests = await checkRequests(
    store,
    first,
    [
      ...(imageParsed && imageClusterfile ? [{ parsed: imageParsed, source: imageClusterfile }] : []),
      ...(userParsed && clusterfile ? [{ parsed: userParsed, source: clusterfile }] : []),
    ],
    cluster,
    { image: tagged.name, skipPlugins: false, output },
  );
  if (requests.plugins.length > 0) output(`note: lade upgrade does not run sealer plugins (${requests.plugins.map((plugin) => plugin.name).join(", ")}): they run at lade run and lade delete`, "stderr");

  const hosts = orderedHosts(state, clusterfile ? clusterfilePasswords(clusterfile) : new Map(), options.passwordFile);
  const registryHosts = state.registryHosts ?? [hosts[0]!.ip];
  const hostDir = state.hostDir ?? dataDir;
  const phases = planUpgrade({ dataDir, hostDir, hosts, registryHosts, version: target, drainTimeoutSeconds: options.drainTimeoutSeconds, force: options.force });
  output(
    `Upgrading the cluster of ${hosts[0]!.ip} from ${from} (${state.image}) to ${target} (${tagged.name}) on ${hosts.map((host) => `${host.ip} (${host.role})`).join(", ")}${options.dryRun ? " — dry run, nothing is changed" : ""}`,
    "stdout",
  );
  const progress = under ?? { image: tagged.name, digest: tagged.descriptor.digest, from, to: target, hosts: {} };
  if (!options.dryRun) {
    state.upgrade = progress;
    await writeState(statePath, state);
  }
  await executePhases(phases, {
    store,
    dataDir,
    hostDir,
    registryHosts,
    kubeVersion: target,
    statePath,
    state,
    hosts,
    platforms: linux,
    ...(clusterfile ? { clusterfile } : {}),
    ...(imageClusterfile ? { imageClusterfile } : {}),
    configs: requests.configs,
    cluster,
    env: [...requests.registryEnv, ...options.env],
    ...(requests.imageRegistry.registry ? { imageRegistry: requests.imageRegistry.registry } : {}),
    dryRun: options.dryRun,
    output,
    rootfsName: UPGRADE_ROOTFS_NAME,
    stepsDone: (ip) => (progress.hosts[ip] ??= []),
    handlers: {
      "check-upgrade": async (ip, say) => {
        const host = hosts.find((candidate) => candidate.ip === ip)!;
        const [machine = "", rootfs = ""] = (await readFromHost(host, UPGRADE_CHECK_SCRIPT(hostDir), output)).split("\n").map((line) => line.trim());
        const arch = UNAME_ARCH[machine] ?? machine;
        const expected = state.hosts![ip]!.arch;
        if (expected && arch !== expected) throw new Error(`${ip} is ${arch} now, lade run found ${expected}: is it another machine?`);
        if (rootfs !== "rootfs") throw new Error(`${ip} has no rootfs in ${hostDir}: is it the host lade run installed?`);
        say(`[check-upgrade] ${arch}, the rootfs in ${hostDir}`, "stdout");
      },
    },
  });
  if (options.dryRun) return;
  await adoptUpgradeRootfs(dataDir, linux.keys());
  (state.upgrades ??= []).push({ image: tagged.name, digest: tagged.descriptor.digest, from: progress.from, to: target, at: new Date().toISOString() });
  delete state.upgrade;
  Object.assign(state, { image: tagged.name, digest: tagged.descriptor.digest, kubeVersion: target, ...(newCri ? { cri: newCri } : {}) });
  await writeState(statePath, state);
  output(`Upgraded ${hosts.map((host) => host.ip).join(", ")} to ${target} (${tagged.name})`, "stdout");
}

/**
 * The hosts of the state with how to reach them (a host reached with a password gets the
 * Clusterfile's for it, else the one given): master0, the other masters, the nodes.
 */
function orderedHosts(state: MultiHostState, passwords: ReadonlyMap<string, string>, passwordFile: string | undefined): ClusterHostTarget[] {
  const rank = { master0: 0, master: 1, node: 2 } as const;
  return Object.entries(state.hosts ?? {})
    .map(([ip, host]): ClusterHostTarget => ({ ip, role: host.role, ssh: withPasswordFile(host.ssh, passwords, passwordFile) }))
    .sort((a, b) => rank[a.role] - rank[b.role]);
}

/** kubeadm's images of VERSION that the platform's registry (rootfs registry/) has no tag for. */
async function missingKubeadmImages(store: OciStore, platform: PlatformImage, version: string): Promise<string[]> {
  const wanted = new Map(
    kubeadmImages(resolveKubernetesRelease(version)).map((reference) => {
      const parsed = parseImageReference(reference);
      return [`registry/docker/registry/v2/repositories/${parsed.repository}/_manifests/tags/${parsed.tag}/current/link`, reference];
    }),
  );
  const found = await readLayerFiles(platform.manifest.layers.map((layer) => ({ blobPath: store.blobPath(layer.digest) })), new Set(wanted.keys()));
  return [...wanted].filter(([path]) => !found.has(path)).map(([, reference]) => reference);
}

/** The labels of the installed image (a label of an earlier platform wins), when the store still has it. */
async function labelsOf(store: OciStore, digest: string): Promise<Readonly<Record<string, string>>> {
  const tagged = await findImage(store, digest).catch(() => undefined);
  if (!tagged) return {};
  const image = await readImage(store, tagged.descriptor);
  return Object.assign({}, ...image.platforms.map((platform) => platform.config.config.Labels ?? {}).reverse());
}

async function keptClusterfile(dataDir: string): Promise<{ text: string; file: string } | undefined> {
  const file = Bun.file(join(dataDir, INSTALLED_CLUSTERFILE));
  return (await file.exists()) ? { text: await file.text(), file: join(dataDir, INSTALLED_CLUSTERFILE) } : undefined;
}

/** The new image's local rootfs folders and tars become the cluster's (DATA_DIR/rootfs-<arch>). */
async function adoptUpgradeRootfs(dataDir: string, architectures: Iterable<string>): Promise<void> {
  for (const arch of architectures) {
    const next = join(dataDir, `${UPGRADE_ROOTFS_NAME}-${arch}`);
    if (!(await Bun.file(`${next}.tar.sha256`).exists())) continue;
    const current = join(dataDir, `rootfs-${arch}`);
    for (const suffix of ["", ".tar", ".tar.sha256"]) {
      await rm(`${current}${suffix}`, { recursive: true, force: true });
      await rename(`${next}${suffix}`, `${current}${suffix}`);
    }
  }
}
