import { formatLocation, UserInputError, type SourceLocation } from "../util/source-location.ts";
import { hostsWithRole, type Cluster, type RegistryConfig } from "./cluster.ts";
import { envList, envValue, resolveClusterEnv, type ClusterEnv } from "./cluster-env.ts";
import type { ConfigDocument } from "./config-document.ts";
import { configSchema } from "./config-schema.ts";
import { formatConfigPath, getConfigValue, type ConfigObject, type ConfigValue } from "./config-value.ts";
import { convertConfigDocuments } from "./convert-config-documents.ts";
import { addRequiredValues, deriveConfigLayer, type ClusterFacts, type NodeRole } from "./derive-config-layer.ts";
import { parseIpAddress } from "./ip-address.ts";
import { apiVersionOf, CONFIG_KINDS, kubeadmApiVersion, type ConfigKind } from "./kubeadm-api.ts";
import { kubeadmDefaults } from "./kubeadm-defaults.ts";
import { kubeadmRuleViolations, type RuleViolation } from "./kubeadm-rules.ts";
import { lookupKubernetesVersion, type KubernetesVersionInfo } from "./kubernetes-version.ts";
import { layerClusters } from "./merge-clusters.ts";
import { mergeConfigLayers } from "./merge-config-values.ts";
import { orderBySchema } from "./order-by-schema.ts";
import { parseClusterfile } from "./parse-clusterfile.ts";
import { parseConfigFile, type ParsedConfigFile } from "./parse-config-file.ts";
import { validateConfigDocument } from "./validate-config-document.ts";

/** Renders a `*.tmpl` text with the cluster env (Go text/template); injected so this folder stays pure. */
export type TemplateRenderer = (text: string, data: ClusterEnv, name: string) => string;

/** The label basefs-style images carry their Kubernetes version in. */
export const KUBERNETES_VERSION_LABEL = "cluster.alpha.sealer.io/cluster-runtime-version";
/** The label naming the image's container runtime (`containerd`, `docker`). */
export const CONTAINER_RUNTIME_LABEL = "cluster.alpha.sealer.io/container-runtime-type";
export const DEFAULT_API_SERVER_DOMAIN = "apiserver.cluster.local";
export const DEFAULT_VIP = "10.103.97.2";
export const DEFAULT_VIP_IPV6 = "1248:4003:10bb:6a01:83b9:6360:c66d:0002";

export interface KubeadmConfigSources {
  /** The Clusterfile (`-f`): a sealer.io/v2 Cluster and kubeadm documents. */
  readonly clusterfile?: { readonly text: string; readonly file: string };
  /**
   * The image's default Clusterfile (etc/Clusterfile): its Cluster under the user's (see
   * mergeClusters), its kubeadm documents above the image's kubeadm config, below the derived values.
   */
  readonly imageClusterfile?: { readonly text: string; readonly file: string };
  /** The image's etc/kubeadm.yml, or etc/kubeadm.yml.tmpl (a name ending in .tmpl is rendered first). */
  readonly imageConfig?: { readonly text: string; readonly file: string };
  /**
   * Several image config files, oldest first, each merged over the ones before (a child image's
   * etc/kubeadm.yml over its base's etc/kubeadm.yml.tmpl). Used instead of `imageConfig`.
   */
  readonly imageConfigs?: readonly { readonly text: string; readonly file: string }[];
  /** The image's Env (Kubefile ENV): the lowest layer of the cluster env. */
  readonly imageEnv?: Readonly<Record<string, string>>;
  readonly imageLabels?: Readonly<Record<string, string>>;
  /** The registry the image's nodes were made for (etc/lade-rootfs.env). */
  readonly imageRegistry?: RegistryConfig;
}

export interface KubeadmConfigOptions {
  /** Which node the config is for; without it every document is given. */
  readonly role?: NodeRole;
  /** The node's address; with a Clusterfile its role follows from the hosts. */
  readonly node?: string;
  readonly renderTemplate?: TemplateRenderer;
  /** `KEY=VALUE` entries that override the image's and the Clusterfile's env (`lade run --env`). */
  readonly envOverrides?: readonly string[];
}

/** The final kubeadm config: one document per kind, in the order kubeadm files list them. */
export interface KubeadmConfig {
  readonly kubernetesVersion: string;
  /** `kubeadm.k8s.io/v1beta4`… */
  readonly kubeadmApiVersion: string;
  readonly role?: NodeRole;
  readonly documents: readonly ConfigDocument[];
  /** The env `*.tmpl` files were rendered with. */
  readonly env: ClusterEnv;
  /** Things left out or guessed, each starting with `file:line:column: ` when a file is at fault. */
  readonly warnings: readonly string[];
}

/** Why a config cannot be made that is not at a place in a file (a flag, a label). */
export class KubeadmConfigError extends Error {
  override name = "KubeadmConfigError";
}

/**
 * Make the kubeadm config for a cluster: lade's defaults for the release's kubeadm API, then the
 * image's etc/kubeadm.yml (rendered from .tmpl with the cluster env), then the values derived from
 * the cluster (registry, CRI socket, addresses, SANs…), then the Clusterfile's documents — each
 * layer converted to the release's newest kubeadm API and merged field by field (see
 * merge-config-values.ts: a higher layer can set false/0/[] and delete with null).
 *
 * The Kubernetes version comes from ClusterConfiguration.kubernetesVersion (Clusterfile, then image)
 * or the image label cluster.alpha.sealer.io/cluster-runtime-version.
 *
 * @throws {UserInputError} for a mistake in a file, at its line
 * @throws {KubeadmConfigError} for a wrong --role/--node, label or env value
 */
export function resolveKubeadmConfig(sources: KubeadmConfigSources, options: KubeadmConfigOptions = {}): KubeadmConfig {
  const warnings: string[] = [];
  const clusterfile = sources.clusterfile ? parseClusterfile(sources.clusterfile.text, sources.clusterfile.file) : undefined;
  const imageClusterfile = sources.imageClusterfile ? parseClusterfile(sources.imageClusterfile.text, sources.imageClusterfile.file) : undefined;
  warnings.push(...(imageClusterfile?.warnings ?? []), ...(clusterfile?.warnings ?? []));
  const cluster = layerClusters(imageClusterfile?.cluster, clusterfile?.cluster);
  const { role, node } = resolveRole(cluster, options, clusterfile?.cluster ? sources.clusterfile?.file : (sources.imageClusterfile?.file ?? sources.clusterfile?.file));
  const masters = hostsWithRole(cluster, "master");
  const master0 = masters[0] ?? (role === "master0" ? node : undefined);

  const env = resolveClusterEnv({ imageEnv: sources.imageEnv, cluster, host: node ?? (role === "master0" ? master0 : undefined),
    ...(options.envOverrides ? { overrides: options.envOverrides } : {}),
    ...(sources.imageRegistry ? { imageRegistry: sources.imageRegistry } : {}),
  });
  const imageFiles = sources.imageConfigs ?? (sources.imageConfig ? [sources.imageConfig] : []);
  const images = imageFiles.map(({ text, file }) => {
    if (file.endsWith(".tmpl")) {
      if (!options.renderTemplate) throw new KubeadmConfigError(`Cannot render ${file}: no template engine was given`);
      text = options.renderTemplate(text, env, file);
    }
    const parsed = parseConfigFile(text, file, { allowCluster: false });
    warnings.push(...parsed.warnings);
    return { parsed, file };
  });

  // the newest image file that names a version decides among the image's files
  const versioned = [...images].reverse().find(({ parsed }) => parsed.documents.some((document) => document.kind === "ClusterConfiguration" && typeof document.body.kubernetesVersion === "string"));
  const info = chooseKubernetesVersion(clusterfile, imageClusterfile, versioned?.parsed ?? images.at(-1)?.parsed, sources.imageLabels ?? {}, warnings);
  for (const [parsed, file] of [
    ...images.map(({ parsed, file }) => [parsed, file] as const),
    [imageClusterfile, sources.imageClusterfile?.file] as const,
    [clusterfile, sources.clusterfile?.file] as const,
  ]) {
    if (!parsed?.api || info.acceptedApis.includes(parsed.api)) continue;
    const document = parsed.documents.find((candidate) => candidate.apiVersion === kubeadmApiVersion(parsed.api!));
    const accepted = info.acceptedApis.map(kubeadmApiVersion).join(" and ");
    throw new UserInputError(
      document?.source?.locate(["apiVersion"]) ?? { file: file ?? "", line: 1, column: 1 },
      `Kubernetes ${info.version} does not accept ${kubeadmApiVersion(parsed.api)}: its kubeadm reads ${accepted}`,
    );
  }

  // the kubelet's and kube-proxy's fields depend on the minor, known only now
  for (const parsed of [...images.map(({ parsed }) => parsed), imageClusterfile, clusterfile]) {
    for (const document of parsed?.documents ?? []) {
      if (document.kind === "KubeletConfiguration" || document.kind === "KubeProxyConfiguration") validateConfigDocument(document, info.kubeadmApi, { kubernetesMinor: info.minor });
    }
  }

  const target = info.kubeadmApi;
  const imageLayers = images.map(({ parsed }) => convertConfigDocuments(parsed.documents, target));
  const imageClusterLayer = convertConfigDocuments(imageClusterfile?.documents ?? [], target);
  const clusterLayer = convertConfigDocuments(clusterfile?.documents ?? [], target);
  warnings.push(...imageLayers.flatMap((layer) => layer.warnings), ...imageClusterLayer.warnings, ...clusterLayer.warnings);

  const facts = clusterFacts(info, env, cluster, sources.imageLabels ?? {}, { role, node, master0, masters }, warnings);
  const defaults = kubeadmDefaults(info);
  const imageDocuments = [...imageLayers.map((layer) => layer.documents), imageClusterLayer.documents];
  const below = mergeConfigLayers([defaults, ...imageDocuments]);
  const derived = deriveConfigLayer(facts, below, mergeConfigLayers([clusterLayer.documents]));
  const merged = mergeConfigLayers([defaults, ...imageDocuments, derived, clusterLayer.documents]);
  addRequiredValues(merged, facts);
  merged.get("ClusterConfiguration")!.kubernetesVersion = info.version;

  const documents = kindsFor(role)
    .filter((kind) => merged.has(kind))
    .map((kind) => {
      const body = orderBySchema(merged.get(kind)!, configSchema(kind, target, info.minor)) as ConfigObject;
      const document: ConfigDocument = { kind, apiVersion: apiVersionOf(kind, target), body };
      validateConfigDocument(document, target, { kubernetesMinor: info.minor });
      return document;
    });
  const violation = kubeadmRuleViolations(new Map(documents.map((document) => [document.kind, document.body])))[0];
  if (violation) throw ruleError(violation, getConfigValue(merged.get(violation.kind as ConfigKind), violation.path), [clusterfile, imageClusterfile, ...images.map(({ parsed }) => parsed).reverse()]);
  return {
    kubernetesVersion: info.version,
    kubeadmApiVersion: kubeadmApiVersion(target),
    ...(role ? { role } : {}),
    documents,
    env,
    warnings,
  };
}

/** The documents each step reads: `kubeadm init` on master0, `kubeadm join` elsewhere (join ignores the rest). */
function kindsFor(role: NodeRole | undefined): readonly ConfigKind[] {
  if (role === "master0") return ["InitConfiguration", "ClusterConfiguration", "KubeletConfiguration", "KubeProxyConfiguration"];
  if (role === "master" || role === "node") return ["JoinConfiguration"];
  return CONFIG_KINDS;
}

function resolveRole(
  cluster: Cluster | undefined,
  options: KubeadmConfigOptions,
  file: string | undefined,
): { role?: NodeRole; node?: string } {
  let node: string | undefined;
  if (options.node !== undefined) {
    const parsed = parseIpAddress(options.node);
    if (!parsed) throw new KubeadmConfigError(`--node needs an IP address, not "${options.node}"`);
    node = parsed.address;
  }
  const masters = hostsWithRole(cluster, "master");
  const workers = hostsWithRole(cluster, "node");
  const known = (cluster?.hosts.length ?? 0) > 0;
  if (node && known && !cluster!.hosts.some((host) => host.ips.includes(node))) {
    throw new KubeadmConfigError(`--node ${node} is not one of the hosts in ${file}`);
  }
  let role = options.role;
  if (!role && node) {
    if (!known) throw new KubeadmConfigError(`--node ${node} needs --role (master0, master or node): no Clusterfile lists the hosts`);
    role = node === masters[0] ? "master0" : masters.includes(node) ? "master" : workers.includes(node) ? "node" : undefined;
    if (!role) throw new KubeadmConfigError(`--node ${node} is neither a master nor a node in ${file}: give --role`);
  }
  if (role === "master" && !node) throw new KubeadmConfigError("--role master needs --node IP: the address of the master that joins");
  if (node && known) {
    if (role === "master0" && node !== masters[0]) {
      throw new KubeadmConfigError(`--node ${node} is not master0: the first master in ${file} is ${masters[0]}`);
    }
    if (role === "master" && node === masters[0]) throw new KubeadmConfigError(`--node ${node} is master0 (it runs kubeadm init): use --role master0`);
    if (role === "master" && !masters.includes(node)) throw new KubeadmConfigError(`--node ${node} is not a master in ${file}`);
    if (role === "node" && !workers.includes(node)) throw new KubeadmConfigError(`--node ${node} is not a node (worker) in ${file}`);
  }
  return { ...(role ? { role } : {}), ...(node ? { node } : {}) };
}

function chooseKubernetesVersion(
  clusterfile: { documents: readonly ConfigDocument[] } | undefined,
  imageClusterfile: { documents: readonly ConfigDocument[] } | undefined,
  image: ParsedConfigFile | undefined,
  labels: Readonly<Record<string, string>>,
  warnings: string[],
): KubernetesVersionInfo {
  const fromFile = (documents: readonly ConfigDocument[] | undefined) => {
    const cluster = documents?.find((document) => document.kind === "ClusterConfiguration");
    const version = cluster?.body.kubernetesVersion;
    return typeof version === "string" ? { version, location: cluster!.source?.locate(["kubernetesVersion"]) } : undefined;
  };
  const label = labels[KUBERNETES_VERSION_LABEL];
  const chosen: { version: string; location?: SourceLocation } | undefined =
    fromFile(clusterfile?.documents) ?? fromFile(imageClusterfile?.documents) ?? fromFile(image?.documents) ?? (label ? { version: label } : undefined);
  if (!chosen) {
    throw new KubeadmConfigError(
      `Cannot tell the Kubernetes version: set ClusterConfiguration.kubernetesVersion (Clusterfile or the image's etc/kubeadm.yml) or the image label ${KUBERNETES_VERSION_LABEL}`,
    );
  }
  let info: KubernetesVersionInfo;
  try {
    info = lookupKubernetesVersion(chosen.version);
  } catch (error) {
    const message = (error as Error).message;
    if (chosen.location) throw new UserInputError(chosen.location, message, { cause: error });
    throw new KubeadmConfigError(`Image label ${KUBERNETES_VERSION_LABEL}: ${message}`, { cause: error });
  }
  if (label && chosen.location && label.replace(/^v/, "") !== info.version.replace(/^v/, "")) {
    warnings.push(
      `${formatLocation(chosen.location)}: kubernetesVersion ${info.version} differs from the image's ${label} (label ${KUBERNETES_VERSION_LABEL}): the image's binaries are ${label}`,
    );
  }
  return info;
}

function clusterFacts(
  info: KubernetesVersionInfo,
  env: ClusterEnv,
  cluster: Cluster | undefined,
  labels: Readonly<Record<string, string>>,
  place: { role?: NodeRole; node?: string; master0?: string; masters: readonly string[] },
  warnings: string[],
): ClusterFacts {
  const ipv6 = place.master0 !== undefined && place.master0.includes(":");
  const vipKey = ipv6 ? "IPvsVIPv6" : "IPvsVIPv4";
  const vipText = envValue(env, vipKey) ?? (ipv6 ? DEFAULT_VIP_IPV6 : DEFAULT_VIP);
  const vip = parseIpAddress(vipText);
  if (!vip) throw new KubeadmConfigError(`The ${vipKey} env must be an IP address, not "${vipText}"`);
  const cgroupDriver = envValue(env, "CgroupDriver");
  if (cgroupDriver !== undefined && cgroupDriver !== "systemd" && cgroupDriver !== "cgroupfs") {
    throw new KubeadmConfigError(`The CgroupDriver env must be systemd or cgroupfs, not "${cgroupDriver}"`);
  }
  const named = cluster?.containerRuntime ?? envValue(env, "ContainerRuntime") ?? labels[CONTAINER_RUNTIME_LABEL];
  const runtime = (named ?? "containerd").toLowerCase();
  if (runtime !== "containerd" && runtime !== "docker") {
    warnings.push(`Container runtime "${runtime}" has no known CRI socket: nodeRegistration.criSocket is left as the files set it`);
  }
  const podSubnet = envValue(env, "PodCIDR");
  const serviceSubnet = envValue(env, "SvcCIDR");
  return {
    kubernetes: info,
    masters: place.masters.length > 0 ? place.masters : place.master0 ? [place.master0] : [],
    ...(place.master0 ? { master0: place.master0 } : {}),
    registryUrl: envValue(env, "RegistryURL") ?? "sea.hub:5000",
    containerRuntime: runtime,
    ...(named === undefined ? { containerRuntimeGuessed: true } : {}),
    ...(cgroupDriver ? { cgroupDriver } : {}),
    apiServerDomain: DEFAULT_API_SERVER_DOMAIN,
    vip: vip.address,
    extraCertSans: envList(env, "CertSANs"),
    ...(podSubnet ? { podSubnet } : {}),
    ...(serviceSubnet ? { serviceSubnet } : {}),
    useIpAsNodeName: envValue(env, "UseIPasNodeName") === "true",
    ...(place.role ? { role: place.role } : {}),
    ...(place.node ? { node: place.node } : {}),
  };
}

/**
 * A rule kubeadm would enforce, at the line of the highest layer that wrote VALUE (a list item
 * by its place in that layer's list: lade adds items of its own), else without a line.
 */
function ruleError(violation: RuleViolation, value: ConfigValue | undefined, layers: readonly ({ documents: readonly ConfigDocument[] } | undefined)[]): Error {
  const last = violation.path.at(-1);
  for (const layer of layers) {
    for (const document of layer?.documents ?? []) {
      if (document.kind !== violation.kind || !document.source) continue;
      let path = violation.path;
      if (typeof last === "number") {
        const list = getConfigValue(document.body, path.slice(0, -1));
        const index = Array.isArray(list) ? list.findIndex((item) => Bun.deepEquals(item, value)) : -1;
        if (index < 0) continue;
        path = [...path.slice(0, -1), index];
      } else if (getConfigValue(document.body, path) === undefined) continue;
      return new UserInputError(document.source.locate(path), `${formatConfigPath(path)}: ${violation.message}`);
    }
  }
  return new KubeadmConfigError(`${violation.kind} ${formatConfigPath(violation.path)}: ${violation.message}`);
}
