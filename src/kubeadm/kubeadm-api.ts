/** The kubeadm config API versions lade reads; it writes v1beta2, v1beta3 and v1beta4. */
export const KUBEADM_API_VERSIONS = ["v1beta1", "v1beta2", "v1beta3", "v1beta4"] as const;
export type KubeadmApiVersion = (typeof KUBEADM_API_VERSIONS)[number];

export const KUBEADM_GROUP = "kubeadm.k8s.io";
export const KUBELET_API_VERSION = "kubelet.config.k8s.io/v1beta1";
export const KUBE_PROXY_API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";

/** The documents of a kubeadm config, in the order they are printed. */
export const CONFIG_KINDS = [
  "InitConfiguration",
  "ClusterConfiguration",
  "JoinConfiguration",
  "KubeletConfiguration",
  "KubeProxyConfiguration",
] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export type KubeadmKind = "InitConfiguration" | "ClusterConfiguration" | "JoinConfiguration";

export function isConfigKind(kind: string): kind is ConfigKind {
  return (CONFIG_KINDS as readonly string[]).includes(kind);
}

export function isKubeadmKind(kind: ConfigKind): kind is KubeadmKind {
  return kind === "InitConfiguration" || kind === "ClusterConfiguration" || kind === "JoinConfiguration";
}

/** "kubeadm.k8s.io/v1beta3" → "v1beta3"; undefined for another group or an unknown version. */
export function parseKubeadmApiVersion(apiVersion: string): KubeadmApiVersion | undefined {
  const [group, version] = apiVersion.split("/");
  if (group !== KUBEADM_GROUP) return undefined;
  return (KUBEADM_API_VERSIONS as readonly string[]).includes(version ?? "") ? (version as KubeadmApiVersion) : undefined;
}

export function kubeadmApiVersion(version: KubeadmApiVersion): string {
  return `${KUBEADM_GROUP}/${version}`;
}

/** The apiVersion a kind is written with when kubeadm's own API is `api`. */
export function apiVersionOf(kind: ConfigKind, api: KubeadmApiVersion): string {
  if (kind === "KubeletConfiguration") return KUBELET_API_VERSION;
  if (kind === "KubeProxyConfiguration") return KUBE_PROXY_API_VERSION;
  return kubeadmApiVersion(api);
}
