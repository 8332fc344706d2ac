import { registryUrl } from "../kubeadm/cluster-env.ts";
import { parseClusterfile } from "../kubeadm/parse-clusterfile.ts";
import { ROOTFS_ENV_FILE, rootfsEnvValue, rootfsRegistry } from "../kubeadm/rootfs-env.ts";
import type { RegistryConfig } from "../kubeadm/cluster.ts";
import { parseRegistryYml, REGISTRY_YML, registryYmlMismatch } from "../sealer/registry-yml.ts";
import { parseDistributionConfig, REGISTRY_CONFIG_FILES, type DistributionConfig } from "../sealer/distribution-config.ts";
import { renderAsset } from "../rootfs/render-asset.ts";

/** containerd's hosts.toml for every registry that has none of its own. */
const DEFAULT_HOSTS_TOML = "etc/containerd/certs.d/_default/hosts.toml";
import { IMAGE_CLUSTERFILE } from "../sealer/cloud-rootfs-folders.ts";
import { readLayerPaths } from "../store/build-cache.ts";
import { formatLocation, UserInputError } from "../util/source-location.ts";
import { mergeContainerdConfig } from "../sealer/containerd-config.ts";
import { translateDockerDaemonJson, type TranslatedFile } from "../sealer/docker-daemon-json.ts";
import { kubeadmConfigFiles, resolveNodeFiles, type NodeFileDecision, type RootfsFileVersion } from "../sealer/node-files.ts";
import { CHECKED_FOLDERS, findUnusedRootfsFiles, type RootfsFinding } from "../sealer/rootfs-file-findings.ts";
import { chainKey, hashEntries } from "./hash-entries.ts";
import type { LayerEntry } from "./layer-entry.ts";
import { addParentDirectories } from "./layer-entry.ts";
import type { NodeFileRecord } from "./node-files-annotation.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { appendLayer, produceLayer, type LayerContext } from "./produce-layer.ts";
import { readLayerFiles, type LayerSource } from "./read-layer-files.ts";

export interface CloudRootfsResult {
  /** Files under etc/, scripts/, plugins/, statics/, images/ that have no effect (warnings; errors with --strict). */
  readonly findings: readonly RootfsFinding[];
  /** What a sealer file's translation changed or left out that the user should know (warnings too). */
  readonly warnings: readonly string[];
}

/**
 * After a platform's instructions: make every node file the rootfs decides take effect where the
 * node scripts read it. For each file (docker's daemon.json, the units, containerd's config…) the
 * newest of lade's path and sealer's CloudRootfs spelling wins; a winning sealer file is copied (or
 * merged, see src/sealer/) to lade's path in one more layer. What each node file is made from is
 * recorded for the `lade.image.node-files` annotation, and files nothing reads are reported.
 */
export async function applyCloudRootfs(state: PlatformBuildState, context: LayerContext): Promise<CloudRootfsResult> {
  const createdBy = layerInstructions(state);
  const version = (path: string): RootfsFileVersion | undefined => {
    const indexed = state.rootfs.get(path);
    if (!indexed || indexed.type !== "file") return undefined;
    return { path, layer: indexed.layer, createdBy: createdBy[indexed.layer] ?? `layer ${indexed.layer + 1}` };
  };
  const decisions = resolveNodeFiles(version);
  const kubeadm = kubeadmConfigFiles(version);
  const checked = [...state.rootfs.entriesBelow(CHECKED_FOLDERS)].filter(([, entry]) => entry.type !== "directory").map(([path]) => path);
  const changed = decisions.filter((decision) => decision.how !== "as-is");
  const needed = new Set([...changed.flatMap((decision) => [decision.source.path, ...(decision.base ? [decision.base.path] : [])]), ROOTFS_ENV_FILE]);
  for (const path of checked) if (path.startsWith("scripts/") || path.startsWith("plugins/")) needed.add(path);
  const imageClusterfile = version(IMAGE_CLUSTERFILE);
  if (imageClusterfile) needed.add(IMAGE_CLUSTERFILE);
  const registryYml = version(REGISTRY_YML);
  if (registryYml) needed.add(REGISTRY_YML);
  const registryConfigs = REGISTRY_CONFIG_FILES.map(version).filter((file) => file !== undefined);
  for (const file of registryConfigs) needed.add(file.path);

  const texts = await readRootfsTexts(state, context, needed);
  const rootfsEnv = texts.get(ROOTFS_ENV_FILE);
  const rootfsRegistryConfig = rootfsRegistry(rootfsEnv);
  const registry = rootfsRegistryConfig ? registryUrl(rootfsRegistryConfig) : undefined;
  const cri = rootfsEnvValue(rootfsEnv, "LADE_CRI");
  const warnings: string[] = [];
  if (imageClusterfile) warnings.push(...checkImageClusterfile(texts.get(IMAGE_CLUSTERFILE) ?? "", imageClusterfile));
  if (registryYml) warnings.push(...checkRegistryYml(texts.get(REGISTRY_YML) ?? "", registryYml, rootfsRegistryConfig));
  const entries = new Map<string, LayerEntry>();
  for (const file of registryConfigs) {
    const checked = checkRegistryConfig(texts.get(file.path) ?? "", file, rootfsRegistryConfig);
    warnings.push(...checked.warnings);
    if (!checked.proxy || !registry) continue;
    if (cri === "docker") {
      warnings.push(`${file.path}: proxy: docker sends only Docker Hub's pulls to its registry-mirrors, so images of other registries are not pulled through the cluster registry's cache on docker nodes (containerd's are)`);
    } else if (!state.rootfs.get(DEFAULT_HOSTS_TOML)) {
      // every registry without hosts.toml of its own goes through the cluster's registry, which fetches what it lacks
      const content = new TextEncoder().encode(renderAsset("containerd/hosts.toml", { UPSTREAM: "any registry without its own folder here", REGISTRY: registry }));
      entries.set(DEFAULT_HOSTS_TOML, { path: DEFAULT_HOSTS_TOML, type: "file", mode: 0o644, size: content.length, content });
      context.reporter.log(`[node files] ${DEFAULT_HOSTS_TOML}: pulls from every other registry go through ${registry}, whose proxy fetches what it lacks`);
    }
  }
  for (const decision of decisions) {
    if (cri && decision.role.cri && decision.role.cri !== cri && decision.how !== "as-is") {
      warnings.push(`${decision.source.path}: this image's container runtime is ${cri}: ${decision.role.title} has no effect on its nodes`);
    }
  }
  for (const decision of changed) {
    const sourceText = texts.get(decision.source.path) ?? "";
    const translated = translate(decision, sourceText, decision.base ? texts.get(decision.base.path) : undefined, registry);
    warnings.push(...translated.warnings);
    for (const info of translated.infos) context.reporter.log(`[node files] ${info}`);
    const content = new TextEncoder().encode(translated.text);
    const mode = state.rootfs.get(decision.source.path)?.mode ?? 0o644;
    entries.set(decision.role.ladePath, { path: decision.role.ladePath, type: "file", mode, size: content.length, content });
    const how = decision.how === "merged" ? `merged over ${decision.base!.path}` : "copied";
    context.reporter.log(`[node files] ${decision.role.nodePath} ← ${decision.source.path} (${how}; from "${decision.source.createdBy}")`);
  }
  if (entries.size > 0) {
    addParentDirectories(entries, (parent) => {
      const existing = state.rootfs.get(parent);
      return existing?.type === "directory" ? existing.mode : undefined;
    });
    const layerEntries = [...entries.values()];
    const record = await produceLayer(context, chainKey(state.chainKey, "lade-cloud-rootfs-v1", await hashEntries(layerEntries)), async () => layerEntries);
    const made = [...changed.map((decision) => `${decision.source.path} → ${decision.role.ladePath}`), ...(entries.has(DEFAULT_HOSTS_TOML) ? [DEFAULT_HOSTS_TOML] : [])];
    appendLayer(state, record, `lade: sealer CloudRootfs files (${made.join(", ")})`);
  }
  state.nodeFiles = nodeFileRecords(decisions, kubeadm);
  state.shadowedTemplates = shadowedTemplates(state);
  const scriptTexts = new Map([...texts].filter(([path]) => path.startsWith("scripts/") || path.startsWith("plugins/")));
  return { findings: findUnusedRootfsFiles({ files: checked, texts: scriptTexts }), warnings };
}

/**
 * The image's default Clusterfile is read by every `lade run` of the image: a mistake in it fails
 * the build (at its line, naming the instruction that wrote it), not the install.
 */
function checkImageClusterfile(text: string, file: RootfsFileVersion): string[] {
  try {
    return parseClusterfile(text, IMAGE_CLUSTERFILE).warnings;
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    const message = error.message.slice(formatLocation(error.location).length + 2);
    throw new UserInputError(error.location, `${message} (the image's default Clusterfile, from "${file.createdBy}")`);
  }
}

/**
 * sealer's etc/registry.yml is read by every `lade run` of the image (its account becomes the
 * registry's): a mistake in it, or an address the base's nodes were not made for, fails the build.
 */
function checkRegistryYml(text: string, file: RootfsFileVersion, madeFor: RegistryConfig | undefined): string[] {
  const from = ` (from "${file.createdBy}")`;
  let yml;
  try {
    yml = parseRegistryYml(text, REGISTRY_YML);
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    throw new UserInputError(error.location, `${error.message.slice(formatLocation(error.location).length + 2)}${from}`);
  }
  const mismatch = madeFor ? registryYmlMismatch(yml, madeFor) : undefined;
  if (mismatch) throw new UserInputError(yml.locate(mismatch.field), `${mismatch.message}${from}`);
  if (!yml.password) return [];
  return [
    `${formatLocation(yml.locate("password"))}: ${REGISTRY_YML} holds the registry's password in clear text, and whoever has the image can read it: lade run makes the registry's account from it (a bcrypt htpasswd on the nodes); to keep it out of the image, give it at install time instead (the Clusterfile's spec.registry.localRegistry.username/password)${from}`,
  ];
}

/**
 * sealer's etc/registry_config.yml is read by the nodes' registry (lade serve registry --config):
 * a mistake or something lade's registry cannot do fails the build; what does not apply is said.
 */
function checkRegistryConfig(text: string, file: RootfsFileVersion, madeFor: RegistryConfig | undefined): { warnings: string[]; proxy: boolean } {
  const from = ` (from "${file.createdBy}")`;
  let config: DistributionConfig;
  try {
    config = parseDistributionConfig(text, file.path);
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    throw new UserInputError(error.location, `${error.message.slice(formatLocation(error.location).length + 2)}${from}`);
  }
  const warnings: string[] = [];
  if (config.ignored.length > 0) {
    warnings.push(`${file.path}: ${config.ignored.map((entry) => entry.key).join(", ")} do not apply to lade's registry (${config.ignored.map((entry) => `${entry.key}: ${entry.why}`).join("; ")})${from}`);
  }
  // on the nodes the registry's address, certificate and accounts are lade's own
  const port = config.addr ? Number(config.addr.slice(config.addr.lastIndexOf(":") + 1)) : undefined;
  if (port !== undefined && madeFor && port !== madeFor.port) warnings.push(`${file.path}: http.addr's port ${port} does not apply: the nodes' registry listens on the image's registry port ${madeFor.port}${from}`);
  if (config.tls) warnings.push(`${file.path}: http.tls does not apply on the nodes: the registry's certificate is lade's (etc/registry/tls.crt, or made at install)${from}`);
  if (config.htpasswd) warnings.push(`${file.path}: auth.htpasswd does not apply on the nodes: the registry's accounts are etc/registry/htpasswd${from}`);
  return { warnings, proxy: config.proxy !== undefined };
}

function translate(decision: NodeFileDecision, text: string, baseText: string | undefined, registry: string | undefined): TranslatedFile {
  const options = { ...(baseText !== undefined ? { ladeText: baseText, ladeFile: decision.base!.path } : {}), ...(registry ? { registry } : {}) };
  if (decision.role.apply === "docker-daemon") return translateDockerDaemonJson(text, decision.source.path, options);
  if (decision.role.apply === "containerd-config") return mergeContainerdConfig(text, decision.source.path, options);
  return { text, warnings: [], infos: [] };
}

function nodeFileRecords(decisions: readonly NodeFileDecision[], kubeadm: readonly RootfsFileVersion[]): NodeFileRecord[] {
  const records: NodeFileRecord[] = decisions.map((decision) => ({
    role: decision.role.id,
    node: decision.role.nodePath,
    from: decision.source.path,
    how: decision.how,
    createdBy: decision.source.createdBy,
    ...(decision.base ? { over: [decision.base.path] } : {}),
    ...(decision.overridden.length > 0 ? { overridden: decision.overridden.map((file) => file.path) } : {}),
  }));
  const newest = kubeadm.at(-1);
  if (newest) {
    records.push({
      role: "kubeadm-config",
      node: "kubeadm --config (lade run's kubeadm.yaml)",
      from: newest.path,
      how: kubeadm.length > 1 ? "merged" : "as-is",
      createdBy: newest.createdBy,
      ...(kubeadm.length > 1 ? { over: kubeadm.slice(0, -1).map((file) => file.path) } : {}),
    });
  }
  return records;
}

/** `X.tmpl` files under etc/, manifests/, charts/ whose `X` a newer layer wrote. */
function shadowedTemplates(state: PlatformBuildState): string[] {
  const shadowed: string[] = [];
  for (const [path, entry] of state.rootfs.entriesBelow(["etc", "manifests", "charts"])) {
    if (!path.endsWith(".tmpl") || entry.type !== "file") continue;
    const rendered = state.rootfs.get(path.slice(0, -".tmpl".length));
    if (rendered?.type === "file" && rendered.layer > entry.layer) shadowed.push(path);
  }
  return shadowed.sort();
}

/** The instruction that made each layer, from the history (entries with a layer, in order). */
function layerInstructions(state: PlatformBuildState): string[] {
  return state.history.filter((entry) => !entry.empty_layer).map((entry) => entry.created_by ?? "");
}

/** The text of some rootfs files, from the layers that touch them. */
async function readRootfsTexts(state: PlatformBuildState, context: LayerContext, paths: ReadonlySet<string>): Promise<Map<string, string>> {
  const present = new Set([...paths].filter((path) => state.rootfs.get(path)?.type === "file"));
  const layers: LayerSource[] = [];
  for (const layer of state.layers) {
    const layerPaths = layer.paths.length > 0 ? layer.paths : ((await readLayerPaths(context.store, layer.descriptor.digest)) ?? undefined);
    layers.push({ blobPath: context.store.blobPath(layer.descriptor.digest), ...(layerPaths ? { paths: layerPaths.map(([path]) => path) } : {}) });
  }
  return readLayerFiles(layers, present);
}
