import type { ConfigDocument } from "./config-document.ts";
import type { ConfigObject, ConfigValue } from "./config-value.ts";
import { apiVersionOf, type ConfigKind } from "./kubeadm-api.ts";
import type { KubernetesVersionInfo } from "./kubernetes-version.ts";

/** Pod and service subnets sealer clusters use (100.64.0.0/10 stays clear of most LANs). */
export const DEFAULT_POD_SUBNET = "100.64.0.0/10";
export const DEFAULT_SERVICE_SUBNET = "10.96.0.0/22";
export const API_SERVER_PORT = 6443;

/**
 * lade's built-in kubeadm config for one Kubernetes release, written in the newest kubeadm API that
 * release accepts (v1beta2, v1beta3 or v1beta4 with its `{name, value}` argument lists). It is the
 * lowest layer: the image's etc/kubeadm.yml and the Clusterfile override any of it, `null` deletes.
 *
 * Unlike sealer's default it carries nothing a release rejects: no feature gates (sealer's
 * `TTLAfterFinished`/`EphemeralContainers` break v1.25+, sealer#2295), and the controller
 * manager's signing-duration flag by the name the release knows (`experimental-…` before v1.19).
 * The cluster-specific values (registry, CRI socket, addresses, SANs) are derived on top.
 */
export function kubeadmDefaults(info: KubernetesVersionInfo): ConfigDocument[] {
  const api = info.kubeadmApi;
  const args = (entries: Record<string, string>): ConfigValue =>
    api === "v1beta4" ? Object.entries(entries).map(([name, value]) => ({ name, value })) : { ...entries };
  const localtime = (): ConfigValue => [
    { name: "localtime", hostPath: "/etc/localtime", mountPath: "/etc/localtime", readOnly: true, pathType: "File" },
  ];
  const signingDuration = info.minor >= 19 ? "cluster-signing-duration" : "experimental-cluster-signing-duration";
  const bodies: [ConfigKind, ConfigObject][] = [
    [
      "InitConfiguration",
      {
        localAPIEndpoint: { bindPort: API_SERVER_PORT },
      },
    ],
    [
      "ClusterConfiguration",
      {
        kubernetesVersion: info.version,
        clusterName: "kubernetes",
        networking: { dnsDomain: "cluster.local", podSubnet: DEFAULT_POD_SUBNET, serviceSubnet: DEFAULT_SERVICE_SUBNET },
        apiServer: { extraVolumes: localtime() },
        controllerManager: { extraArgs: args({ [signingDuration]: "876000h" }), extraVolumes: localtime() },
        scheduler: { extraVolumes: localtime() },
        etcd: { local: { dataDir: "/var/lib/etcd" } },
      },
    ],
    [
      "JoinConfiguration",
      {
        caCertPath: "/etc/kubernetes/pki/ca.crt",
        ...(api === "v1beta4" ? { timeouts: { discovery: "5m0s" } } : { discovery: { timeout: "5m0s" } }),
        controlPlane: { localAPIEndpoint: { bindPort: API_SERVER_PORT } },
      },
    ],
    ["KubeletConfiguration", { cgroupDriver: "systemd" }],
    ["KubeProxyConfiguration", { mode: "ipvs" }],
  ];
  return bodies.map(([kind, body]) => ({ kind, apiVersion: apiVersionOf(kind, api), body }));
}
