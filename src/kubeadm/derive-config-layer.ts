import type { ConfigDocument } from "./config-document.ts";
import { getConfigValue, isConfigObject, setConfigValue, type ConfigObject, type ConfigValue } from "./config-value.ts";
import { hostCidr, joinHostPort } from "./ip-address.ts";
import { apiVersionOf, type ConfigKind } from "./kubeadm-api.ts";
import { API_SERVER_PORT } from "./kubeadm-defaults.ts";
import type { KubernetesVersionInfo } from "./kubernetes-version.ts";

/** Which node a config is for: the first master (`kubeadm init`), another master or a worker (`kubeadm join`). */
export type NodeRole = "master0" | "master" | "node";
export const NODE_ROLES: readonly NodeRole[] = ["master0", "master", "node"];

/** What lade knows about the cluster being installed, from the Clusterfile, its env and the image. */
export interface ClusterFacts {
  readonly kubernetes: KubernetesVersionInfo;
  /** Master addresses in Clusterfile order. */
  readonly masters: readonly string[];
  /** The first master: where `kubeadm init` runs. */
  readonly master0?: string;
  /** Where the cluster pulls its images from: the `RegistryURL` env (default sea.hub:5000). */
  readonly registryUrl: string;
  /** `containerd`, `docker`, or a runtime lade has no socket for. */
  readonly containerRuntime: string;
  /** Nothing named the runtime (containerd is a guess): a criSocket the image's file sets is kept. */
  readonly containerRuntimeGuessed?: boolean;
  /** From the `CgroupDriver` env. */
  readonly cgroupDriver?: string;
  /** The name every node resolves to an API server (sealer: apiserver.cluster.local). */
  readonly apiServerDomain: string;
  /** The virtual IP workers reach the masters through (env IPvsVIPv4/IPvsVIPv6, default 10.103.97.2). */
  readonly vip: string;
  /** From the `CertSANs` env. */
  readonly extraCertSans: readonly string[];
  /** From the `PodCIDR` and `SvcCIDR` env. */
  readonly podSubnet?: string;
  readonly serviceSubnet?: string;
  /** `UseIPasNodeName=true`: nodes are named by their address. */
  readonly useIpAsNodeName: boolean;
  readonly role?: NodeRole;
  /** The address of the node the config is for (`--node`). */
  readonly node?: string;
}

/** The CRI socket kubeadm needs for a runtime on a release, or undefined for a runtime lade does not know. */
export function criSocketFor(runtime: string, info: KubernetesVersionInfo): string | undefined {
  if (runtime === "containerd") return info.containerdCriSocket;
  if (runtime === "docker") return info.dockerCriSocket;
  return undefined;
}

/**
 * The values that follow from the cluster, as one more layer: above the image's file (which cannot
 * know the hosts or the registry) and below the Clusterfile (the user may override any of them).
 *
 * - InitConfiguration: `localAPIEndpoint.advertiseAddress` = master0; `nodeRegistration.criSocket`
 *   by runtime and release (dockershim ≤ v1.23, cri-dockerd from v1.24, containerd), unless no one
 *   named the runtime and the image's file sets a socket;
 * - JoinConfiguration: the same socket; for a master, `controlPlane.localAPIEndpoint.advertiseAddress`
 *   = the node and discovery through master0; for a worker, discovery through the VIP;
 * - ClusterConfiguration: `imageRepository` = the registry; `dns.imageRepository` = `<repository>/coredns`
 *   when the release's CoreDNS lives at `coredns/coredns` and the repository is not kubeadm's default
 *   (kubeadm only adds that path segment for its default); `controlPlaneEndpoint` = the API server
 *   domain; `apiServer.extraArgs.etcd-servers` = every master (unless etcd is external);
 *   `networking` subnets from the PodCIDR/SvcCIDR env;
 * - KubeletConfiguration: `cgroupDriver` from the CgroupDriver env.
 *
 * `below` is the merged defaults and image layers; `clusterfile` the Clusterfile's documents.
 */
export function deriveConfigLayer(
  facts: ClusterFacts,
  below: ReadonlyMap<ConfigKind, ConfigObject>,
  clusterfile: ReadonlyMap<ConfigKind, ConfigObject>,
): ConfigDocument[] {
  const info = facts.kubernetes;
  const api = info.kubeadmApi;
  const lookup = (kind: ConfigKind, path: readonly string[]): ConfigValue | undefined => {
    const higher = getConfigValue(clusterfile.get(kind), path);
    return higher !== undefined ? higher : getConfigValue(below.get(kind), path);
  };
  const port = (() => {
    const value = lookup("InitConfiguration", ["localAPIEndpoint", "bindPort"]);
    return typeof value === "number" ? value : API_SERVER_PORT;
  })();
  const socket = criSocketFor(facts.containerRuntime, info);
  const socketFor = (kind: ConfigKind) =>
    facts.containerRuntimeGuessed && getConfigValue(below.get(kind), ["nodeRegistration", "criSocket"]) !== undefined ? undefined : socket;

  const init: ConfigObject = {};
  if (facts.master0) setConfigValue(init, ["localAPIEndpoint", "advertiseAddress"], facts.master0);
  const initSocket = socketFor("InitConfiguration");
  if (initSocket) setConfigValue(init, ["nodeRegistration", "criSocket"], initSocket);
  if (facts.useIpAsNodeName && facts.master0) setConfigValue(init, ["nodeRegistration", "name"], facts.master0);

  const join: ConfigObject = {};
  const joinSocket = socketFor("JoinConfiguration");
  if (joinSocket) setConfigValue(join, ["nodeRegistration", "criSocket"], joinSocket);
  if (facts.role === "master" && facts.node) {
    setConfigValue(join, ["controlPlane", "localAPIEndpoint", "advertiseAddress"], facts.node);
    if (facts.master0) setConfigValue(join, ["discovery", "bootstrapToken", "apiServerEndpoint"], joinHostPort(facts.master0, port));
  }
  if (facts.role === "node") setConfigValue(join, ["discovery", "bootstrapToken", "apiServerEndpoint"], joinHostPort(facts.vip, port));
  if (facts.useIpAsNodeName && facts.node && facts.role !== "master0") setConfigValue(join, ["nodeRegistration", "name"], facts.node);

  const cluster: ConfigObject = { imageRepository: facts.registryUrl };
  if (info.corednsPath === "coredns/coredns") {
    const repository = getConfigValue(clusterfile.get("ClusterConfiguration"), ["imageRepository"]);
    const finalRepository = typeof repository === "string" ? repository : facts.registryUrl;
    if (finalRepository !== info.defaultImageRepository) cluster.dns = { imageRepository: `${finalRepository}/coredns` };
    // kubeadm's own default path is right for its default repository; an image's value is not.
    else if (getConfigValue(below.get("ClusterConfiguration"), ["dns", "imageRepository"]) !== undefined) cluster.dns = { imageRepository: null };
  }
  cluster.controlPlaneEndpoint = joinHostPort(facts.apiServerDomain, port);
  const external = lookup("ClusterConfiguration", ["etcd", "external"]);
  if (facts.masters.length > 0 && !(isConfigObject(external) && Object.keys(external).length > 0)) {
    const servers = facts.masters.map((master) => `https://${joinHostPort(master, 2379)}`).join(",");
    setConfigValue(cluster, ["apiServer", "extraArgs"], api === "v1beta4" ? [{ name: "etcd-servers", value: servers }] : { "etcd-servers": servers });
  }
  if (facts.podSubnet) setConfigValue(cluster, ["networking", "podSubnet"], facts.podSubnet);
  if (facts.serviceSubnet) setConfigValue(cluster, ["networking", "serviceSubnet"], facts.serviceSubnet);

  const kubelet: ConfigObject = facts.cgroupDriver ? { cgroupDriver: facts.cgroupDriver } : {};
  const bodies: [ConfigKind, ConfigObject][] = [
    ["InitConfiguration", init],
    ["ClusterConfiguration", cluster],
    ["JoinConfiguration", join],
    ["KubeletConfiguration", kubelet],
  ];
  return bodies.map(([kind, body]) => ({ kind, apiVersion: apiVersionOf(kind, api), body }));
}

/**
 * Values that must hold whatever the layers say, added after the merge (so a Clusterfile list that
 * replaces the image's cannot drop them): `apiServer.certSANs` always holds 127.0.0.1, the API server
 * domain, the VIP, the CertSANs env and every master; with kube-proxy in IPVS mode,
 * `ipvs.excludeCIDRs` holds the VIP, so kube-proxy leaves the VIP's IPVS rules alone.
 * For a worker (`role` node) JoinConfiguration loses `controlPlane`.
 */
export function addRequiredValues(merged: Map<ConfigKind, ConfigObject>, facts: ClusterFacts): void {
  const cluster = merged.get("ClusterConfiguration");
  if (cluster) {
    const sans = getConfigValue(cluster, ["apiServer", "certSANs"]);
    const required = ["127.0.0.1", facts.apiServerDomain, facts.vip, ...facts.extraCertSans, ...facts.masters];
    setConfigValue(cluster, ["apiServer", "certSANs"], unique([...required, ...(Array.isArray(sans) ? sans : [])]));
  }
  const proxy = merged.get("KubeProxyConfiguration");
  if (proxy && proxy.mode === "ipvs") {
    const excluded = getConfigValue(proxy, ["ipvs", "excludeCIDRs"]);
    setConfigValue(proxy, ["ipvs", "excludeCIDRs"], unique([...(Array.isArray(excluded) ? excluded : []), hostCidr(facts.vip)]));
  }
  const join = merged.get("JoinConfiguration");
  if (join && facts.role === "node") delete join.controlPlane;
}

function unique(values: readonly ConfigValue[]): ConfigValue[] {
  return [...new Set(values)];
}
