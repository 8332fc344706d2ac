import { UserInputError } from "../util/source-location.ts";
import { checkConfigValue } from "./check-config-value.ts";
import { componentFieldHint } from "./component-config-schema.ts";
import type { ConfigDocument } from "./config-document.ts";
import { configSchema, fieldSchemaAt } from "./config-schema.ts";
import { formatConfigPath, getConfigValue, isConfigObject, type ConfigPath } from "./config-value.ts";
import { KUBEADM_API_VERSIONS, kubeadmApiVersion, type KubeadmApiVersion } from "./kubeadm-api.ts";

/** Where v1beta4 writes `{name, value}` argument lists. */
const ARGUMENT_LISTS = [
  ["apiServer", "extraArgs"],
  ["controllerManager", "extraArgs"],
  ["scheduler", "extraArgs"],
  ["etcd", "local", "extraArgs"],
  ["nodeRegistration", "kubeletExtraArgs"],
] as const;

/**
 * Check a document against its kind's schema in API version `api` (its own version when read,
 * the target version once merged) and, for the kubelet's and kube-proxy's kinds, Kubernetes
 * minor `kubernetesMinor` once it is known: no unknown fields, and the types the decoders need.
 * `null` is accepted anywhere but in lists (it deletes the field in a merge).
 *
 * @throws {UserInputError} at the field: `file:line:column: Unknown field "apiServer.extraArg" in …`
 * @throws {TypeError} when a document without a source (built in, or the merged result) is invalid
 */
export function validateConfigDocument(document: ConfigDocument, api: KubeadmApiVersion, options: { readonly kubernetesMinor?: number } = {}): void {
  const label = `${document.apiVersion} ${document.kind}`;
  const fail = (path: ConfigPath, message: string, part: "key" | "value" = "value"): never => {
    if (!document.source) throw new TypeError(`Invalid ${label} at ${formatConfigPath(path)}: ${message}`);
    throw new UserInputError(document.source.locate(path, part), message);
  };
  const component = document.kind === "KubeletConfiguration" || document.kind === "KubeProxyConfiguration" ? document.kind : undefined;
  checkConfigValue(document.body, configSchema(document.kind, api, options.kubernetesMinor), {
    label,
    fail,
    unknownFieldHint: (path) => (component ? componentFieldHint(component, path, options.kubernetesMinor) : otherVersions(document, path, api)),
  });
  if (api !== "v1beta4") return;
  for (const path of ARGUMENT_LISTS) {
    const args = getConfigValue(document.body, path);
    if (!Array.isArray(args)) continue;
    args.forEach((item, index) => {
      if (isConfigObject(item) && typeof item.name !== "string") {
        fail([...path, index], `"${formatConfigPath([...path, index])}" needs a name: write {name: FLAG, value: VALUE}`);
      }
    });
  }
}

/** `: it exists in kubeadm.k8s.io/v1beta4` when the field belongs to another version of the kind. */
function otherVersions(document: ConfigDocument, path: ConfigPath, api: KubeadmApiVersion): string {
  const versions = KUBEADM_API_VERSIONS.filter(
    (other) => other !== api && other !== "v1beta1" && fieldSchemaAt(configSchema(document.kind, other), path) !== undefined,
  );
  return versions.length > 0 ? `: it exists in ${versions.map(kubeadmApiVersion).join(" and ")}` : "";
}
