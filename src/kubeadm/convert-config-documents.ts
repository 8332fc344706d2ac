import { formatLocation } from "../util/source-location.ts";
import type { ConfigDocument, DocumentSource } from "./config-document.ts";
import {
  cloneConfigValue,
  formatConfigPath,
  getConfigValue,
  isConfigObject,
  setConfigValue,
  takeConfigValue,
  type ConfigObject,
  type ConfigValue,
} from "./config-value.ts";
import {
  isKubeadmKind,
  KUBEADM_API_VERSIONS,
  kubeadmApiVersion,
  parseKubeadmApiVersion,
  type KubeadmApiVersion,
  type KubeadmKind,
} from "./kubeadm-api.ts";

export interface ConversionResult {
  readonly documents: ConfigDocument[];
  /** Fields the target version cannot hold, each with where it was written. */
  readonly warnings: string[];
}

/** The component sections of ClusterConfiguration whose `extraArgs` change form in v1beta4. */
const ARGUMENT_SECTIONS = [["apiServer"], ["controllerManager"], ["scheduler"], ["etcd", "local"]] as const;

interface Layer {
  readonly documents: Map<KubeadmKind, { body: ConfigObject; source?: DocumentSource }>;
  readonly warnings: string[];
  version: KubeadmApiVersion;
}

/**
 * Convert the kubeadm documents of one file (all in one kubeadm API version) to `target`, one
 * version step at a time, as kubeadm's own conversions do:
 * - v1beta2 → v1beta3: `useHyperKubeImage` and `dns.type` are gone;
 * - v1beta3 → v1beta4: every `extraArgs`/`kubeletExtraArgs` map becomes a `{name, value}` list,
 *   `apiServer.timeoutForControlPlane` moves to InitConfiguration `timeouts.controlPlaneComponentHealthCheck`,
 *   JoinConfiguration `discovery.timeout` moves to `timeouts.discovery`;
 * and back down the same way (fields the older version lacks are left out with a warning).
 * KubeletConfiguration and KubeProxyConfiguration do not depend on the kubeadm API and pass as they are.
 * A `null` (a deletion) is converted like any value, so it still deletes in the new form.
 */
export function convertConfigDocuments(documents: readonly ConfigDocument[], target: KubeadmApiVersion): ConversionResult {
  const kubeadm = documents.filter((document) => isKubeadmKind(document.kind));
  const others = documents.filter((document) => !isKubeadmKind(document.kind));
  const first = kubeadm[0];
  if (!first) return { documents: [...documents], warnings: [] };
  const layer: Layer = { documents: new Map(), warnings: [], version: parseKubeadmApiVersion(first.apiVersion)! };
  for (const document of kubeadm) {
    layer.documents.set(document.kind as KubeadmKind, { body: cloneConfigValue(document.body), source: document.source });
  }
  const order = KUBEADM_API_VERSIONS as readonly KubeadmApiVersion[];
  while (layer.version !== target) {
    const index = order.indexOf(layer.version);
    const up = order.indexOf(target) > index;
    const next = order[up ? index + 1 : index - 1]!;
    STEPS[`${layer.version}>${next}`]?.(layer, next);
    layer.version = next;
  }
  const converted: ConfigDocument[] = [];
  for (const document of documents) {
    if (!isKubeadmKind(document.kind)) continue;
    const entry = layer.documents.get(document.kind)!;
    converted.push({ kind: document.kind, apiVersion: kubeadmApiVersion(target), body: entry.body, source: entry.source });
    layer.documents.delete(document.kind);
  }
  // Documents a conversion had to create (a field moved to a kind the file did not have).
  for (const [kind, entry] of layer.documents) converted.push({ kind, apiVersion: kubeadmApiVersion(target), body: entry.body });
  return { documents: [...converted, ...others], warnings: layer.warnings };
}

type Step = (layer: Layer, next: KubeadmApiVersion) => void;

const STEPS: Record<string, Step> = {
  "v1beta2>v1beta3": (layer, next) => {
    const cluster = layer.documents.get("ClusterConfiguration");
    if (!cluster) return;
    const hyperkube = takeConfigValue(cluster.body, ["useHyperKubeImage"]);
    if (hyperkube === true) warnDropped(layer, cluster, ["useHyperKubeImage"], next, "kubeadm no longer supports the hyperkube image");
    const dnsType = takeConfigValue(cluster.body, ["dns", "type"]);
    if (typeof dnsType === "string" && dnsType !== "" && dnsType !== "CoreDNS") {
      warnDropped(layer, cluster, ["dns", "type"], next, "CoreDNS is the only DNS server kubeadm installs");
    }
  },
  "v1beta3>v1beta2": (layer, next) => {
    for (const kind of ["InitConfiguration", "JoinConfiguration"] as const) {
      const document = layer.documents.get(kind);
      if (!document) continue;
      for (const path of [["skipPhases"], ["patches"], ["nodeRegistration", "imagePullPolicy"]]) dropField(layer, document, path, next);
    }
  },
  "v1beta3>v1beta4": (layer) => {
    const cluster = layer.documents.get("ClusterConfiguration");
    if (cluster) {
      for (const section of ARGUMENT_SECTIONS) mapArgsToList(cluster.body, [...section, "extraArgs"]);
      const timeout = takeConfigValue(cluster.body, ["apiServer", "timeoutForControlPlane"]);
      if (timeout !== undefined) {
        setConfigValue(documentOf(layer, "InitConfiguration").body, ["timeouts", "controlPlaneComponentHealthCheck"], timeout);
        const join = layer.documents.get("JoinConfiguration");
        if (join) setConfigValue(join.body, ["timeouts", "controlPlaneComponentHealthCheck"], timeout);
      }
    }
    for (const kind of ["InitConfiguration", "JoinConfiguration"] as const) {
      const document = layer.documents.get(kind);
      if (document) mapArgsToList(document.body, ["nodeRegistration", "kubeletExtraArgs"]);
    }
    const join = layer.documents.get("JoinConfiguration");
    const discoveryTimeout = join && takeConfigValue(join.body, ["discovery", "timeout"]);
    if (join && discoveryTimeout !== undefined) setConfigValue(join.body, ["timeouts", "discovery"], discoveryTimeout);
  },
  "v1beta4>v1beta3": (layer, next) => {
    const cluster = layer.documents.get("ClusterConfiguration");
    if (cluster) {
      for (const section of ARGUMENT_SECTIONS) {
        listArgsToMap(layer, cluster, [...section, "extraArgs"], next);
        dropField(layer, cluster, [...section, "extraEnvs"], next);
      }
      for (const path of [["encryptionAlgorithm"], ["certificateValidityPeriod"], ["caCertificateValidityPeriod"]]) dropField(layer, cluster, path, next);
      // `disabled: false` is what v1beta3 means anyway.
      dropField(layer, cluster, ["dns", "disabled"], next, false);
      dropField(layer, cluster, ["proxy", "disabled"], next, false);
      takeConfigValue(cluster.body, ["proxy"]);
    }
    // v1beta3 has one control-plane timeout, in ClusterConfiguration; v1beta4 has one per document.
    for (const kind of ["InitConfiguration", "JoinConfiguration"] as const) {
      const document = layer.documents.get(kind);
      const timeout = document && getConfigValue(document.body, ["timeouts", "controlPlaneComponentHealthCheck"]);
      if (!document || timeout === undefined) continue;
      const cluster = kind === "InitConfiguration" ? documentOf(layer, "ClusterConfiguration") : layer.documents.get("ClusterConfiguration");
      const current = cluster && getConfigValue(cluster.body, ["apiServer", "timeoutForControlPlane"]);
      if (cluster && current === undefined) setConfigValue(cluster.body, ["apiServer", "timeoutForControlPlane"], timeout);
      if (current === undefined || current === timeout) takeConfigValue(document.body, ["timeouts", "controlPlaneComponentHealthCheck"]);
    }
    const join = layer.documents.get("JoinConfiguration");
    const discoveryTimeout = join && takeConfigValue(join.body, ["timeouts", "discovery"]);
    if (join && discoveryTimeout !== undefined) setConfigValue(join.body, ["discovery", "timeout"], discoveryTimeout);
    for (const kind of ["InitConfiguration", "JoinConfiguration"] as const) {
      const document = layer.documents.get(kind);
      if (!document) continue;
      listArgsToMap(layer, document, ["nodeRegistration", "kubeletExtraArgs"], next);
      dropField(layer, document, ["nodeRegistration", "imagePullSerial"], next, true);
      dropField(layer, document, ["dryRun"], next, false);
      const timeouts = getConfigValue(document.body, ["timeouts"]);
      for (const name of isConfigObject(timeouts) ? Object.keys(timeouts) : []) dropField(layer, document, ["timeouts", name], next);
      takeConfigValue(document.body, ["timeouts"]);
    }
  },
};

function documentOf(layer: Layer, kind: KubeadmKind): { body: ConfigObject; source?: DocumentSource } {
  let document = layer.documents.get(kind);
  if (!document) layer.documents.set(kind, (document = { body: {} }));
  return document;
}

/** `{a: "1", b: null}` → `[{name: a, value: "1"}, {name: b, value: null}]` (null still deletes `b`). */
function mapArgsToList(body: ConfigObject, path: readonly string[]): void {
  const args = getConfigValue(body, path);
  if (!isConfigObject(args)) return;
  const list: ConfigValue[] = Object.entries(args).map(([name, value]) => ({ name, value }));
  setConfigValue(body, path, list);
}

/** `[{name, value}…]` → a map; a name given twice keeps its last value, with a warning. */
function listArgsToMap(layer: Layer, document: { body: ConfigObject; source?: DocumentSource }, path: readonly string[], next: KubeadmApiVersion): void {
  const args = getConfigValue(document.body, path);
  if (!Array.isArray(args)) return;
  const map: ConfigObject = {};
  for (const item of args) {
    if (!isConfigObject(item) || typeof item.name !== "string") continue;
    if (item.name in map) {
      layer.warnings.push(
        `${where(document, path)}"${formatConfigPath(path)}" gives "${item.name}" more than once: ${kubeadmApiVersion(next)} keeps only the last value`,
      );
    }
    map[item.name] = item.value === undefined ? "" : item.value;
  }
  setConfigValue(document.body, path, map);
}

/** Remove a field the older version lacks; warn unless it was null or `harmless` (a value that means the default). */
function dropField(
  layer: Layer,
  document: { body: ConfigObject; source?: DocumentSource },
  path: readonly string[],
  next: KubeadmApiVersion,
  harmless?: ConfigValue,
): void {
  const value = takeConfigValue(document.body, path);
  if (value === undefined || value === null || value === harmless) return;
  warnDropped(layer, document, path, next, `${kubeadmApiVersion(next)} has no such field`);
}

function warnDropped(layer: Layer, document: { source?: DocumentSource }, path: readonly string[], next: KubeadmApiVersion, reason: string): void {
  layer.warnings.push(`${where(document, path)}"${formatConfigPath(path)}" is left out when writing ${kubeadmApiVersion(next)}: ${reason}`);
}

function where(document: { source?: DocumentSource }, path: readonly string[]): string {
  return document.source ? `${formatLocation(document.source.locate(path))}: ` : "";
}
