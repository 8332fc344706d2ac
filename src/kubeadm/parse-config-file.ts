import { formatLocation, UserInputError } from "../util/source-location.ts";
import type { ConfigDocument } from "./config-document.ts";
import { isConfigObject, type ConfigObject } from "./config-value.ts";
import {
  apiVersionOf,
  CONFIG_KINDS,
  isConfigKind,
  isKubeadmKind,
  KUBEADM_GROUP,
  parseKubeadmApiVersion,
  type KubeadmApiVersion,
} from "./kubeadm-api.ts";
import { parseConfigYaml, type YamlDocument } from "./parse-config-yaml.ts";
import { validateConfigDocument } from "./validate-config-document.ts";

/** The kubeadm config documents of one file, checked in their own API version. */
export interface ParsedConfigFile {
  readonly documents: ConfigDocument[];
  /** The kubeadm API version its InitConfiguration/ClusterConfiguration/JoinConfiguration use. */
  readonly api?: KubeadmApiVersion;
  /** The sealer Cluster document, when the file may hold one (a Clusterfile). */
  readonly cluster?: YamlDocument & { readonly value: ConfigObject };
  /** sealer's Config, Plugin and Application documents of a Clusterfile, for what acts on them. */
  readonly sealerDocuments: (YamlDocument & { readonly kind: string; readonly value: ConfigObject })[];
  readonly warnings: string[];
}

export const CLUSTER_API_VERSION = "sealer.io/v2";

/** sealer kinds a Clusterfile may carry that lade does not use to write the kubeadm config. */
const SEALER_KINDS = new Set(["Config", "Plugin", "Application"]);

/**
 * Read a multi-document file of kubeadm config (an image's etc/kubeadm.yml, or a Clusterfile with
 * `allowCluster`): InitConfiguration, ClusterConfiguration, JoinConfiguration (kubeadm.k8s.io
 * v1beta1–v1beta4, one version per file), KubeletConfiguration (kubelet.config.k8s.io/v1beta1)
 * and KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1), each at most once.
 *
 * @throws {UserInputError} at the document or field that is wrong
 */
export function parseConfigFile(text: string, file: string, options: { readonly allowCluster: boolean }): ParsedConfigFile {
  const documents: ConfigDocument[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, YamlDocument>();
  let cluster: ParsedConfigFile["cluster"];
  const sealerDocuments: ParsedConfigFile["sealerDocuments"] = [];
  let api: { version: KubeadmApiVersion; document: YamlDocument } | undefined;

  for (const yaml of parseConfigYaml(text, file)) {
    const value = yaml.value;
    if (value === undefined) continue;
    if (!isConfigObject(value)) throw new UserInputError(yaml.location, "A document must be a map with apiVersion and kind");
    const kind = value.kind;
    const apiVersion = value.apiVersion;
    if (typeof kind !== "string" || kind === "") throw new UserInputError(yaml.location, 'The document has no "kind"');
    if (typeof apiVersion !== "string" || apiVersion === "") {
      throw new UserInputError(yaml.locate(["kind"]), `The ${kind} document has no "apiVersion"`);
    }
    const previous = seen.get(kind);
    if (previous && (kind === "Cluster" || isConfigKind(kind))) {
      throw new UserInputError(yaml.locate(["kind"]), `A second ${kind} document: the first is at ${formatLocation(previous.locate(["kind"]))}`);
    }
    seen.set(kind, yaml);

    if (kind === "Cluster") {
      if (!options.allowCluster) throw new UserInputError(yaml.locate(["kind"]), `A Cluster document belongs in a Clusterfile, not in ${file}`);
      if (apiVersion !== CLUSTER_API_VERSION) {
        throw new UserInputError(
          yaml.locate(["apiVersion"]),
          `Unsupported Cluster apiVersion "${apiVersion}": lade reads sealer's ${CLUSTER_API_VERSION} Clusterfile`,
        );
      }
      cluster = { ...yaml, value };
      continue;
    }
    if (!isConfigKind(kind)) {
      const group = apiVersion.split("/")[0] ?? "";
      if (SEALER_KINDS.has(kind) && options.allowCluster) {
        sealerDocuments.push({ ...yaml, kind, value });
        continue;
      }
      if (SEALER_KINDS.has(kind) || group === KUBEADM_GROUP) {
        warnings.push(`${formatLocation(yaml.locate(["kind"]))}: ${apiVersion} ${kind} is not part of the kubeadm config lade writes: it is left out`);
        continue;
      }
      throw new UserInputError(
        yaml.locate(["kind"]),
        `Unknown kind "${kind}" (apiVersion ${apiVersion}): expected ${options.allowCluster ? "Cluster, " : ""}${CONFIG_KINDS.join(", ")}`,
      );
    }
    let version: KubeadmApiVersion | undefined;
    if (isKubeadmKind(kind)) {
      version = parseKubeadmApiVersion(apiVersion);
      if (!version) {
        throw new UserInputError(
          yaml.locate(["apiVersion"]),
          `Unsupported apiVersion "${apiVersion}" for ${kind}: lade reads ${KUBEADM_GROUP}/v1beta1 to ${KUBEADM_GROUP}/v1beta4`,
        );
      }
      if (api && api.version !== version) {
        throw new UserInputError(
          yaml.locate(["apiVersion"]),
          `${kind} is ${apiVersion} but the document at ${formatLocation(api.document.locate(["apiVersion"]))} is ${KUBEADM_GROUP}/${api.version}: write every kubeadm document of a file in one version`,
        );
      }
      api = { version, document: yaml };
    } else if (apiVersion !== apiVersionOf(kind, "v1beta3")) {
      throw new UserInputError(yaml.locate(["apiVersion"]), `Unsupported apiVersion "${apiVersion}" for ${kind}: expected ${apiVersionOf(kind, "v1beta3")}`);
    }
    const { apiVersion: _apiVersion, kind: _kind, ...body } = value;
    const document: ConfigDocument = { kind, apiVersion, body, source: { location: yaml.location, locate: yaml.locate } };
    validateConfigDocument(document, version ?? "v1beta3");
    documents.push(document);
  }
  return { documents, ...(api ? { api: api.version } : {}), ...(cluster ? { cluster } : {}), sealerDocuments, warnings };
}
