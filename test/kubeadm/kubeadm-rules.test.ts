import { describe, expect, test } from "bun:test";
import { resolveKubeadmConfig } from "../../src/kubeadm/resolve-kubeadm-config.ts";

/**
 * kubeadm's own validation rules that need no cluster (cmd/kubeadm/app/apis/kubeadm/validation),
 * checked by lade when it makes the config — so `lade render kubeadm` and `lade run` stop at the
 * Clusterfile's line before any host changes.
 */
const VERSION_LABEL = "cluster.alpha.sealer.io/cluster-runtime-version";
const HOSTS = "apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  hosts:\n    - {ips: [10.0.0.2], roles: [master]}\n    - {ips: [10.0.0.3], roles: [node]}\n";
const CLUSTER = "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n";
const INIT = "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n";
const JOIN = "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\n";

function resolve(extra: string, role: "master0" | "node" = "master0") {
  return resolveKubeadmConfig({ clusterfile: { text: `${HOSTS}${extra}`, file: "Clusterfile" }, imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, role === "node" ? { role, node: "10.0.0.3" } : { role });
}

/** Line numbers count from the Clusterfile's first line: HOSTS is 6 lines, each kind header 3. */
const BROKEN: [string, string, string, ("master0" | "node")?][] = [
  ["a pod subnet that is no CIDR", `${CLUSTER}networking:\n  podSubnet: 10.244.0.0/33\n`, 'Clusterfile:11:14: networking.podSubnet: "10.244.0.0/33" is not a CIDR such as 10.96.0.0/12 or fd00::/108'],
  ["pod and service subnets that overlap", `${CLUSTER}networking:\n  podSubnet: 10.96.0.0/16\n  serviceSubnet: 10.96.0.0/22\n`, "Clusterfile:11:14: networking.podSubnet: the pod subnet 10.96.0.0/16 overlaps the service subnet 10.96.0.0/22: pods and services need ranges apart"],
  ["a service subnet too large", `${CLUSTER}networking:\n  serviceSubnet: 10.0.0.0/8\n`, "Clusterfile:11:18: networking.serviceSubnet: 10.0.0.0/8 is too large for a service subnet: for 32-bit addresses the mask must be /12 or longer"],
  ["a service subnet too small", `${CLUSTER}networking:\n  serviceSubnet: 10.96.0.0/30\n`, "Clusterfile:11:18: networking.serviceSubnet: 10.96.0.0/30 has 4 address(es): kubeadm needs at least 10"],
  ["two IPv4 pod subnets", `${CLUSTER}networking:\n  podSubnet: 10.244.0.0/16,10.245.0.0/16\n`, 'Clusterfile:11:14: networking.podSubnet: "10.244.0.0/16,10.245.0.0/16": give one CIDR, or two (one IPv4, one IPv6) for dual-stack'],
  ["a pod subnet smaller than a node's range", `${CLUSTER}networking:\n  podSubnet: 10.244.0.0/26\n`, "Clusterfile:11:14: networking.podSubnet: 10.244.0.0/26 is smaller than one node's pod range (/24): make it /24 or larger, or set the controller manager's node-cidr-mask-size-ipv4"],
  ["a DNS domain with capitals", `${CLUSTER}networking:\n  dnsDomain: Cluster.Local\n`, 'Clusterfile:11:14: networking.dnsDomain: "Cluster.Local" is not a DNS name (lower-case letters, digits, "-" and ".")'],
  ["a control-plane endpoint with a bad port", `${CLUSTER}controlPlaneEndpoint: apiserver.cluster.local:99999\n`, 'Clusterfile:10:23: controlPlaneEndpoint: "apiserver.cluster.local:99999" is not HOST or HOST:PORT: 99999 is not a port (1 to 65535)'],
  ["a certificate name with a space", `${CLUSTER}apiServer:\n  certSANs:\n    - api.example.com\n    - "my host"\n`, 'Clusterfile:13:7: apiServer.certSANs[1]: "my host" is not an IP address, a DNS name or a wildcard DNS name (*.example.com)'],
  ["a relative certificates folder", `${CLUSTER}certificatesDir: pki\n`, 'Clusterfile:10:18: certificatesDir: "pki" must be an absolute path'],
  ["an image repository with capitals in its path", `${CLUSTER}imageRepository: sea.hub:5000/K8s\n`, 'Clusterfile:10:18: imageRepository: "sea.hub:5000/K8s" is not an image repository (e.g. sea.hub:5000 or registry.example.com/k8s)'],
  ["a bootstrap token in the wrong shape", `${INIT}bootstrapTokens:\n  - token: abcdef-0123456789abcdef\n`, 'Clusterfile:11:12: bootstrapTokens[0].token: "abcdef-0123456789abcdef" is not a bootstrap token: six, a dot, sixteen lower-case letters or digits (abcdef.0123456789abcdef)'],
  ["a bootstrap token with ttl and expires", `${INIT}bootstrapTokens:\n  - token: abcdef.0123456789abcdef\n    ttl: 24h\n    expires: "2030-01-01T00:00:00Z"\n`, "Clusterfile:11:5: bootstrapTokens[0]: a bootstrap token has ttl or expires, not both"],
  ["an advertise address that is no IP", `${INIT}localAPIEndpoint:\n  advertiseAddress: master-1\n`, 'Clusterfile:11:21: localAPIEndpoint.advertiseAddress: "master-1" is not an IP address'],
  ["a certificate key that is not 64 hex digits", `${INIT}certificateKey: abc123\n`, 'Clusterfile:10:17: certificateKey: the certificate key must be 64 hex digits (an AES-256 key, as kubeadm certs certificate-key prints), not "abc123"'],
  ["a CRI socket over TCP", `${INIT}nodeRegistration:\n  criSocket: tcp://10.0.0.2:2375\n`, "Clusterfile:11:14: nodeRegistration.criSocket: only unix:// CRI sockets are supported, not tcp://"],
  ["a feature gate kubeadm does not have", `${CLUSTER}featureGates:\n  EtcdLearnerMod: true\n`, 'Clusterfile:11:19: featureGates.EtcdLearnerMod: "EtcdLearnerMod" is not a kubeadm feature gate (kubeadm v1.27 can have IPv6DualStack, PublicKeysECDSA, RootlessControlPlane, UnversionedKubeletConfigMap, EtcdLearnerMode)'],
  ["a feature gate of a later kubeadm", `${CLUSTER}featureGates:\n  WaitForAllControlPlaneComponents: true\n`, "Clusterfile:11:37: featureGates.WaitForAllControlPlaneComponents: the kubeadm feature gate WaitForAllControlPlaneComponents comes in v1.30: kubeadm v1.27 refuses it"],
  ["a join token in the wrong shape", `${JOIN}discovery:\n  tlsBootstrapToken: short.token\n`, 'Clusterfile:11:22: discovery.tlsBootstrapToken: "short.token" is not a bootstrap token: six, a dot, sixteen lower-case letters or digits (abcdef.0123456789abcdef)', "node"],
];

describe("kubeadm's rules, checked at the line before any host changes", () => {
  // (rows of one length: bun's test.each hangs on rows that differ)
  test.each(BROKEN.map(([what, extra, message, role]) => [what, extra, message, role ?? "master0"] as const))("%s", (_what, extra, message, role) => {
    expect(() => resolve(extra, role)).toThrow(message);
  });

  test("what kubeadm takes passes: dual-stack subnets, a wildcard and an IPv6 name, an IPv6 endpoint, empty strings kubeadm defaults", () => {
    const config = resolve(
      `${CLUSTER}networking:\n  podSubnet: 10.244.0.0/16,fd00:10:244::/56\n  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112\ncontrolPlaneEndpoint: "[fd00::10]:6443"\napiServer:\n  certSANs: ["*.example.com", "fd00::1", 10.0.0.100]\ncertificatesDir: ""\ncontrollerManager:\n  extraArgs:\n    node-cidr-mask-size-ipv6: "64"\n`,
    );
    expect(config.documents.find((document) => document.kind === "ClusterConfiguration")!.body.networking).toMatchObject({ podSubnet: "10.244.0.0/16,fd00:10:244::/56" });
  });

  test("feature gates: one kubeadm of that version has passes, one it no longer has is named with the release that dropped it", () => {
    const at = (version: string, gates: string) =>
      resolveKubeadmConfig({ clusterfile: { text: `${HOSTS}${CLUSTER}featureGates:\n${gates}`, file: "Clusterfile" }, imageLabels: { [VERSION_LABEL]: version } }, { role: "master0" });
    expect(() => at("v1.30.1", "  WaitForAllControlPlaneComponents: true\n  EtcdLearnerMode: true\n")).not.toThrow();
    expect(() => at("v1.22.17", "  IPv6DualStack: true\n  RootlessControlPlane: false\n")).not.toThrow();
    expect(() => at("v1.30.1", "  IPv6DualStack: true\n")).toThrow("Clusterfile:11:18: featureGates.IPv6DualStack: kubeadm v1.29 no longer has the feature gate IPv6DualStack (v1.23 had it): remove it for v1.30");
    expect(() => at("v1.34.1", "  EtcdLearnerMode: true\n")).toThrow("kubeadm v1.34 no longer has the feature gate EtcdLearnerMode (v1.33 had it): remove it for v1.34");
  });

  test("a value no file wrote (the PodCIDR env) is named by its field", () => {
    expect(() => resolveKubeadmConfig({ clusterfile: { text: HOSTS, file: "Clusterfile" }, imageEnv: { PodCIDR: "10.96.0.0/12" }, imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, { role: "master0" })).toThrow(
      "ClusterConfiguration networking.podSubnet: the pod subnet 10.96.0.0/12 overlaps the service subnet",
    );
  });

  test("with allocate-node-cidrs false, the pod subnet's size is the CNI's business", () => {
    expect(() => resolve(`${CLUSTER}networking:\n  podSubnet: 10.244.0.0/26\ncontrollerManager:\n  extraArgs:\n    allocate-node-cidrs: "false"\n`)).not.toThrow();
  });
});
