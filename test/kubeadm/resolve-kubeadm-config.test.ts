import { describe, expect, test } from "bun:test";
import { renderHelmTemplate } from "../../src/chart/render-helm-template.ts";
import type { ConfigObject } from "../../src/kubeadm/config-value.ts";
import { formatKubeadmConfig } from "../../src/kubeadm/format-kubeadm-config.ts";
import {
  KubeadmConfigError,
  resolveKubeadmConfig,
  type KubeadmConfig,
  type KubeadmConfigOptions,
  type KubeadmConfigSources,
} from "../../src/kubeadm/resolve-kubeadm-config.ts";
import { UserInputError } from "../../src/util/source-location.ts";
import { expectGolden, fixture } from "./expect-golden.ts";

const VERSION_LABEL = "cluster.alpha.sealer.io/cluster-runtime-version";
const RUNTIME_LABEL = "cluster.alpha.sealer.io/container-runtime-type";
const render: KubeadmConfigOptions["renderTemplate"] = (text, data, name) => renderHelmTemplate(name, text, data);

function resolve(sources: KubeadmConfigSources, options: KubeadmConfigOptions = {}): KubeadmConfig {
  return resolveKubeadmConfig(sources, { renderTemplate: render, ...options });
}

function clusterfile(text: string) {
  return { text, file: "Clusterfile" };
}

function body(config: KubeadmConfig, kind: string): ConfigObject {
  const document = config.documents.find((candidate) => candidate.kind === kind);
  if (!document) throw new Error(`no ${kind}`);
  return document.body;
}

/** A Clusterfile for one master and one node, plus extra documents. */
function basic(extra = ""): { text: string; file: string } {
  return clusterfile(fixture("clusterfile-basic.yaml") + (extra ? `---\n${extra}` : ""));
}

describe("resolveKubeadmConfig() golden configs", () => {
  test.each(["v1.20.15", "v1.27.3", "v1.31.2", "v1.36.3"])("lade's defaults for %s, one master and one node", (version) => {
    const config = resolve({ clusterfile: basic(), imageLabels: { [VERSION_LABEL]: version } });
    expect(config.warnings).toEqual([]);
    expectGolden(`defaults-${version}.yaml`, formatKubeadmConfig(config.documents));
  });

  const sealerImage: KubeadmConfigSources = {
    imageConfig: { text: fixture("sealer-context/rootfs/etc/kubeadm.yml.tmpl"), file: "etc/kubeadm.yml.tmpl" },
    imageEnv: { PodCIDR: "10.244.0.0/16" },
    imageLabels: { [VERSION_LABEL]: "v1.22.17", [RUNTIME_LABEL]: "docker" },
    clusterfile: clusterfile(fixture("clusterfile-ha.yaml")),
  };

  test.each([
    ["sealer-image-v1.22.17.yaml", {}],
    ["sealer-image-v1.22.17-master0.yaml", { role: "master0" }],
    ["sealer-image-v1.22.17-master.yaml", { node: "192.168.10.3" }],
    ["sealer-image-v1.22.17-node.yaml", { role: "node", node: "192.168.10.5" }],
  ] as const)("a sealer-era v1beta2 image template and an HA Clusterfile: %s", (golden, options) => {
    const config = resolve(sealerImage, options);
    expect(config.kubeadmApiVersion).toBe("kubeadm.k8s.io/v1beta3");
    expectGolden(golden, formatKubeadmConfig(config.documents));
  });

  const converted: KubeadmConfigSources = {
    imageConfig: { text: fixture("image-v1beta3.yml"), file: "etc/kubeadm.yml" },
    clusterfile: clusterfile(fixture("clusterfile-v1beta4.yaml")),
  };

  test.each([
    ["converted-v1beta3-image-v1.31.2.yaml", {}],
    ["converted-v1beta3-image-v1.31.2-master0.yaml", { role: "master0" }],
    ["converted-v1beta3-image-v1.31.2-node.yaml", { node: "172.20.0.20" }],
  ] as const)("a v1beta3 image config under Kubernetes v1.31 (v1beta4) with a v1beta4 Clusterfile: %s", (golden, options) => {
    const config = resolve(converted, options);
    expect(config.kubeadmApiVersion).toBe("kubeadm.k8s.io/v1beta4");
    expect(config.warnings).toEqual([]);
    expectGolden(golden, formatKubeadmConfig(config.documents));
  });
});

describe("resolveKubeadmConfig() merge", () => {
  const image = (text: string) => ({ text, file: "etc/kubeadm.yml" });
  const head = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n";

  test("the Clusterfile beats the image, which beats the defaults, field by field", () => {
    const config = resolve({
      imageConfig: image(`${head}networking:\n  podSubnet: 10.1.0.0/16\n  serviceSubnet: 10.2.0.0/16\nclusterName: from-image\n`),
      clusterfile: basic("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.9.0.0/16\n"),
    });
    expect(body(config, "ClusterConfiguration").networking).toEqual({ serviceSubnet: "10.2.0.0/16", podSubnet: "10.9.0.0/16", dnsDomain: "cluster.local" });
    expect(body(config, "ClusterConfiguration").clusterName).toBe("from-image");
  });

  test("a higher layer sets false and 0, empties a list and deletes a default with null", () => {
    const config = resolve({
      imageConfig: image(`${head}---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfailSwapOn: true\nmaxPods: 110\n`),
      clusterfile: basic(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failSwapOn: false
maxPods: 0
cgroupDriver: null
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
scheduler:
  extraVolumes: []
controllerManager: null
`),
    });
    expect(body(config, "KubeletConfiguration")).toEqual({ failSwapOn: false, maxPods: 0 });
    expect(body(config, "ClusterConfiguration").scheduler).toEqual({ extraVolumes: [] });
    expect(body(config, "ClusterConfiguration")).not.toHaveProperty("controllerManager");
  });

  test("the Clusterfile can override every derived value", () => {
    const config = resolve({
      clusterfile: basic(`apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.1.1.1
nodeRegistration:
  criSocket: unix:///run/crio/crio.sock
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
imageRepository: my.registry:5000/k8s
controlPlaneEndpoint: lb.example.com:443
apiServer:
  extraArgs:
    etcd-servers: null
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
`),
      imageLabels: { [VERSION_LABEL]: "v1.27.3" },
    });
    expect(body(config, "InitConfiguration")).toMatchObject({
      localAPIEndpoint: { advertiseAddress: "10.1.1.1" },
      nodeRegistration: { criSocket: "unix:///run/crio/crio.sock" },
    });
    const cluster = body(config, "ClusterConfiguration");
    expect(cluster.imageRepository).toBe("my.registry:5000/k8s");
    expect(cluster.dns).toEqual({ imageRepository: "my.registry:5000/k8s/coredns" });
    expect(cluster.controlPlaneEndpoint).toBe("lb.example.com:443");
    expect((cluster.apiServer as ConfigObject).extraArgs).toEqual({});
    expect(body(config, "KubeletConfiguration").cgroupDriver).toBe("cgroupfs");
  });

  test("derived values beat the image's file, which cannot know the cluster", () => {
    const config = resolve({
      imageConfig: image(`${head}imageRepository: registry.k8s.io\ncontrolPlaneEndpoint: 1.2.3.4:6443\n`),
      clusterfile: basic(),
    });
    expect(body(config, "ClusterConfiguration")).toMatchObject({ imageRepository: "sea.hub:5000", controlPlaneEndpoint: "apiserver.cluster.local:6443" });
  });

  test("certSANs always hold the required names, even when the Clusterfile replaces the list", () => {
    const config = resolve({
      imageConfig: image(`${head}apiServer:\n  certSANs: [image.example.com]\n`),
      clusterfile: basic("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  certSANs: [user.example.com, 10.0.0.2]\n"),
    });
    expect(body(config, "ClusterConfiguration").apiServer).toMatchObject({
      certSANs: ["127.0.0.1", "apiserver.cluster.local", "10.103.97.2", "10.0.0.2", "user.example.com"],
    });
  });
});

describe("resolveKubeadmConfig() derived values", () => {
  test.each([
    ["v1.23.17", "docker", "/var/run/dockershim.sock"],
    ["v1.24.0", "docker", "unix:///var/run/cri-dockerd.sock"],
    ["v1.36.3", "docker", "unix:///var/run/cri-dockerd.sock"],
    ["v1.23.17", "containerd", "/run/containerd/containerd.sock"],
    ["v1.24.0", "containerd", "unix:///run/containerd/containerd.sock"],
  ])("%s with %s: criSocket %s in InitConfiguration and JoinConfiguration", (version, runtime, socket) => {
    const config = resolve({ imageLabels: { [VERSION_LABEL]: version, [RUNTIME_LABEL]: runtime } });
    expect(body(config, "InitConfiguration").nodeRegistration).toEqual({ criSocket: socket });
    expect(body(config, "JoinConfiguration").nodeRegistration).toEqual({ criSocket: socket });
  });

  test("the runtime comes from the Clusterfile, then the env, then the image label, else containerd", () => {
    const socket = (sources: KubeadmConfigSources) =>
      (resolve({ ...sources, imageLabels: { [VERSION_LABEL]: "v1.27.3", ...sources.imageLabels } }).documents[0]!.body.nodeRegistration as ConfigObject).criSocket;
    expect(socket({})).toBe("unix:///run/containerd/containerd.sock");
    expect(socket({ imageLabels: { [RUNTIME_LABEL]: "docker" } })).toBe("unix:///var/run/cri-dockerd.sock");
    expect(socket({ imageLabels: { [RUNTIME_LABEL]: "docker" }, imageEnv: { ContainerRuntime: "containerd" } })).toBe("unix:///run/containerd/containerd.sock");
    expect(socket({ imageEnv: { ContainerRuntime: "containerd" }, clusterfile: clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  containerRuntime: {type: docker}\n") })).toBe(
      "unix:///var/run/cri-dockerd.sock",
    );
  });

  test("when nothing names the runtime, a criSocket in the image's file stays; a named runtime replaces it", () => {
    const image = {
      text: "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  criSocket: unix:///var/run/crio/crio.sock\n",
      file: "etc/kubeadm.yml",
    };
    const labels = { [VERSION_LABEL]: "v1.27.3" };
    expect(body(resolve({ imageConfig: image, imageLabels: labels }), "InitConfiguration").nodeRegistration).toEqual({ criSocket: "unix:///var/run/crio/crio.sock" });
    expect(body(resolve({ imageConfig: image, imageLabels: labels }), "JoinConfiguration").nodeRegistration).toEqual({ criSocket: "unix:///run/containerd/containerd.sock" });
    expect(body(resolve({ imageConfig: image, imageLabels: { ...labels, [RUNTIME_LABEL]: "containerd" } }), "InitConfiguration").nodeRegistration).toEqual({
      criSocket: "unix:///run/containerd/containerd.sock",
    });
  });

  test("a runtime lade does not know leaves criSocket to the files, with a warning", () => {
    const config = resolve({ imageLabels: { [VERSION_LABEL]: "v1.27.3", [RUNTIME_LABEL]: "cri-o" } });
    expect(body(config, "InitConfiguration")).not.toHaveProperty("nodeRegistration");
    expect(config.warnings).toEqual(['Container runtime "cri-o" has no known CRI socket: nodeRegistration.criSocket is left as the files set it']);
  });

  test.each([
    ["v1.20.15", undefined],
    ["v1.21.0", "sea.hub:5000/coredns"],
    ["v1.36.3", "sea.hub:5000/coredns"],
  ])("%s: dns.imageRepository is %p (CoreDNS path coredns vs coredns/coredns)", (version, expected) => {
    const cluster = body(resolve({ imageLabels: { [VERSION_LABEL]: version } }), "ClusterConfiguration");
    expect((cluster.dns as ConfigObject | undefined)?.imageRepository).toBe(expected as never);
  });

  test("kubeadm's default repository needs no dns.imageRepository, and an image's value for another registry goes", () => {
    const config = resolve({
      imageConfig: { text: "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\ndns:\n  imageRepository: sea.hub:5000/coredns\n", file: "etc/kubeadm.yml" },
      clusterfile: clusterfile("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nimageRepository: registry.k8s.io\n"),
    });
    const cluster = body(config, "ClusterConfiguration");
    expect(cluster.imageRepository).toBe("registry.k8s.io");
    expect(cluster.dns).toEqual({});
  });

  test("the registry follows the Clusterfile: external before local, sea.hub:5000 by default", () => {
    const repository = (registry: string) =>
      body(resolve({ clusterfile: clusterfile(`apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  registry:\n${registry}`), imageLabels: { [VERSION_LABEL]: "v1.27.3" } }), "ClusterConfiguration")
        .imageRepository;
    expect(repository("    localRegistry: {domain: reg.local}\n")).toBe("reg.local:5000");
    expect(repository("    localRegistry: {domain: reg.local, port: 443}\n    externalRegistry: {domain: ext.example.com}\n")).toBe("ext.example.com");
    expect(body(resolve({ imageLabels: { [VERSION_LABEL]: "v1.27.3" } }), "ClusterConfiguration").imageRepository).toBe("sea.hub:5000");
  });

  test("without a Clusterfile registry, the registry is the one the image's nodes were made for (etc/lade-rootfs.env); a Clusterfile's domain keeps the image's port", () => {
    const imageRegistry = { domain: "reg.corp", port: 5001 };
    const labels = { [VERSION_LABEL]: "v1.27.3" };
    expect(body(resolve({ imageLabels: labels, imageRegistry }), "ClusterConfiguration").imageRepository).toBe("reg.corp:5001");
    const ha = clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  registry:\n    localRegistry: {ha: false}\n");
    expect(body(resolve({ clusterfile: ha, imageLabels: labels, imageRegistry }), "ClusterConfiguration").imageRepository).toBe("reg.corp:5001");
    const named = clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  registry:\n    localRegistry: {domain: other.corp}\n");
    expect(body(resolve({ clusterfile: named, imageLabels: labels, imageRegistry }), "ClusterConfiguration").imageRepository).toBe("other.corp:5001");
  });

  test("etcd-servers list every master, unless etcd is external", () => {
    const ha = clusterfile(fixture("clusterfile-ha.yaml"));
    const labels = { [VERSION_LABEL]: "v1.27.3" };
    expect((body(resolve({ clusterfile: ha, imageLabels: labels }), "ClusterConfiguration").apiServer as ConfigObject).extraArgs).toMatchObject({
      "etcd-servers": "https://192.168.10.2:2379,https://192.168.10.3:2379,https://192.168.10.4:2379",
    });
    const external = basic("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\netcd:\n  external:\n    endpoints: [https://etcd:2379]\n");
    expect((body(resolve({ clusterfile: external, imageLabels: labels }), "ClusterConfiguration").apiServer as ConfigObject).extraArgs).not.toHaveProperty("etcd-servers");
  });

  test("env: PodCIDR and SvcCIDR set the subnets, IPvsVIPv4 the VIP, CertSANs add names, UseIPasNodeName names nodes", () => {
    const config = resolve(
      {
        clusterfile: clusterfile(`apiVersion: sealer.io/v2
kind: Cluster
spec:
  env: [PodCIDR=10.100.0.0/16, SvcCIDR=10.200.0.0/16, IPvsVIPv4=10.0.0.250, CertSANs=a.example.com, CertSANs=b.example.com, UseIPasNodeName=true]
  hosts:
    - {ips: [10.0.0.2], roles: [master]}
    - {ips: [10.0.0.3], roles: [node]}
`),
        imageLabels: { [VERSION_LABEL]: "v1.27.3" },
      },
      { node: "10.0.0.3" },
    );
    expect(config.env).toMatchObject({ KubeSvcIP: "10.200.0.1", DNSSvcIP: "10.200.0.10", HostIP: "10.0.0.3", HostIPFamily: "IPv4" });
    expect(body(config, "JoinConfiguration")).toMatchObject({
      nodeRegistration: { name: "10.0.0.3" },
      discovery: { bootstrapToken: { apiServerEndpoint: "10.0.0.250:6443" } },
    });
    const full = resolve({ clusterfile: clusterfile(fixture("clusterfile-basic.yaml").replace("spec:\n", "spec:\n  env: [PodCIDR=10.100.0.0/16, SvcCIDR=10.200.0.0/16, IPvsVIPv4=10.0.0.250, CertSANs=a.example.com]\n")), imageLabels: { [VERSION_LABEL]: "v1.27.3" } });
    expect(body(full, "ClusterConfiguration").networking).toMatchObject({ podSubnet: "10.100.0.0/16", serviceSubnet: "10.200.0.0/16" });
    expect((body(full, "ClusterConfiguration").apiServer as ConfigObject).certSANs).toEqual(["127.0.0.1", "apiserver.cluster.local", "10.0.0.250", "a.example.com", "10.0.0.2"]);
    expect(body(full, "KubeProxyConfiguration")).toEqual({ mode: "ipvs", ipvs: { excludeCIDRs: ["10.0.0.250/32"] } });
  });

  test("IPv6 masters: the IPv6 VIP, bracketed endpoints, /128", () => {
    const config = resolve({
      clusterfile: clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  hosts:\n    - {ips: ['fd00::2', 'fd00::3'], roles: [master]}\n"),
      imageLabels: { [VERSION_LABEL]: "v1.31.2" },
    });
    const apiServer = body(config, "ClusterConfiguration").apiServer as ConfigObject;
    expect(apiServer.extraArgs).toEqual([{ name: "etcd-servers", value: "https://[fd00::2]:2379,https://[fd00::3]:2379" }]);
    expect(body(config, "KubeProxyConfiguration")).toEqual({ mode: "ipvs", ipvs: { excludeCIDRs: ["1248:4003:10bb:6a01:83b9:6360:c66d:2/128"] } });
    expect(body(config, "InitConfiguration").localAPIEndpoint).toEqual({ advertiseAddress: "fd00::2", bindPort: 6443 });
  });

  test("excludeCIDRs are only added in IPVS mode", () => {
    const config = resolve({ clusterfile: basic("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n"), imageLabels: { [VERSION_LABEL]: "v1.27.3" } });
    expect(body(config, "KubeProxyConfiguration")).toEqual({ mode: "iptables" });
  });

  test("the controller manager's signing flag has the name the release knows", () => {
    const args = (version: string) => (body(resolve({ imageLabels: { [VERSION_LABEL]: version } }), "ClusterConfiguration").controllerManager as ConfigObject).extraArgs;
    expect(args("v1.18.20")).toEqual({ "experimental-cluster-signing-duration": "876000h" });
    expect(args("v1.19.0")).toEqual({ "cluster-signing-duration": "876000h" });
    expect(args("v1.31.0")).toEqual([{ name: "cluster-signing-duration", value: "876000h" }]);
  });

  test("the image's .tmpl is rendered with the cluster env: image ENV < Clusterfile env < host env", () => {
    const config = resolve(
      {
        imageConfig: {
          text: "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\nclusterName: {{ .Name }}-{{ .Zone }}-{{ .RegistryURL }}\n",
          file: "etc/kubeadm.yml.tmpl",
        },
        imageEnv: { Name: "image", Zone: "image" },
        clusterfile: clusterfile(
          "apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  env: [Zone=cluster, RegistryURL=ignored]\n  hosts:\n    - {ips: [10.0.0.2], roles: [master], env: [Zone=host]}\n",
        ),
      },
      { role: "master0" },
    );
    expect(body(config, "ClusterConfiguration").clusterName).toBe("image-host-sea.hub:5000");
  });
});

describe("resolveKubeadmConfig() Kubernetes version", () => {
  const cluster = (version: string) => `apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: ${version}\n`;

  test("Clusterfile before image before label; a mismatch with the label is a warning", () => {
    const config = resolve({
      clusterfile: clusterfile(cluster("v1.28.1")),
      imageConfig: { text: cluster("v1.27.3"), file: "etc/kubeadm.yml" },
      imageLabels: { [VERSION_LABEL]: "v1.27.3" },
    });
    expect(config.kubernetesVersion).toBe("v1.28.1");
    expect(config.warnings).toEqual([
      "Clusterfile:3:20: kubernetesVersion v1.28.1 differs from the image's v1.27.3 (label cluster.alpha.sealer.io/cluster-runtime-version): the image's binaries are v1.27.3",
    ]);
    expect(resolve({ imageConfig: { text: cluster("1.27.3"), file: "etc/kubeadm.yml" }, imageLabels: { [VERSION_LABEL]: "v1.26.0" } }).kubernetesVersion).toBe("v1.27.3");
  });

  test("the version printed is normalized", () => {
    expect(body(resolve({ clusterfile: clusterfile(cluster("1.27.3")) }), "ClusterConfiguration").kubernetesVersion).toBe("v1.27.3");
  });
});

describe("resolveKubeadmConfig() errors", () => {
  const errorOf = (run: () => unknown): Error => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error("no error");
  };

  test.each([
    ["no version anywhere", {}, {}, "Cannot tell the Kubernetes version: set ClusterConfiguration.kubernetesVersion"],
    ["a version lade does not know, from a label", { imageLabels: { [VERSION_LABEL]: "v1.40.0" } }, {}, "Image label cluster.alpha.sealer.io/cluster-runtime-version: Cannot use Kubernetes version v1.40.0: lade knows v1.16 to v1.36"],
    ["--node that is not an IP", { imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, { node: "host-1" }, '--node needs an IP address, not "host-1"'],
    ["--node without hosts or role", { imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, { node: "10.0.0.9" }, "--node 10.0.0.9 needs --role (master0, master or node): no Clusterfile lists the hosts"],
    ["--role master without --node", { imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, { role: "master" }, "--role master needs --node IP: the address of the master that joins"],
    ["--node not in the hosts", { clusterfile: basic() }, { node: "10.0.0.9" }, "--node 10.0.0.9 is not one of the hosts in Clusterfile"],
    ["--role master0 for another master", { clusterfile: clusterfile(fixture("clusterfile-ha.yaml")) }, { role: "master0", node: "192.168.10.3" }, "--node 192.168.10.3 is not master0: the first master in Clusterfile is 192.168.10.2"],
    ["--role master for master0", { clusterfile: clusterfile(fixture("clusterfile-ha.yaml")) }, { role: "master", node: "192.168.10.2" }, "--node 192.168.10.2 is master0 (it runs kubeadm init): use --role master0"],
    ["--role master for a worker", { clusterfile: clusterfile(fixture("clusterfile-ha.yaml")) }, { role: "master", node: "192.168.10.5" }, "--node 192.168.10.5 is not a master in Clusterfile"],
    ["--role node for a master", { clusterfile: clusterfile(fixture("clusterfile-ha.yaml")) }, { role: "node", node: "192.168.10.3" }, "--node 192.168.10.3 is not a node (worker) in Clusterfile"],
    ["a host with a custom role only", { clusterfile: clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  hosts:\n    - {ips: [10.0.0.2], roles: [master]}\n    - {ips: [10.0.0.3], roles: [db]}\n") }, { node: "10.0.0.3" }, "--node 10.0.0.3 is neither a master nor a node in Clusterfile: give --role"],
    ["a CgroupDriver env that is neither", { clusterfile: clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  env: [CgroupDriver=none]\n"), imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, {}, 'The CgroupDriver env must be systemd or cgroupfs, not "none"'],
    ["a VIP env that is not an IP", { imageEnv: { IPvsVIPv4: "vip" }, imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, {}, 'The IPvsVIPv4 env must be an IP address, not "vip"'],
    ["a template without an engine", { imageConfig: { text: "x", file: "etc/kubeadm.yml.tmpl" } }, { renderTemplate: undefined }, "Cannot render etc/kubeadm.yml.tmpl: no template engine was given"],
  ] as [string, KubeadmConfigSources, KubeadmConfigOptions, string][])("%s", (_what, sources, options, message) => {
    const error = errorOf(() => resolveKubeadmConfig(sources, { renderTemplate: render, ...options }));
    expect(error).toBeInstanceOf(KubeadmConfigError);
    expect(error.message.startsWith(message)).toBe(true);
  });

  test.each([
    ["a version that is not vX.Y.Z", { clusterfile: clusterfile("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: latest\n") }, 'Clusterfile:3:20: Cannot use Kubernetes version "latest": expected vMAJOR.MINOR.PATCH, e.g. v1.27.3'],
    ["a version lade does not know", { imageConfig: { text: "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.15.0\n", file: "etc/kubeadm.yml" } }, "etc/kubeadm.yml:3:20: Cannot use Kubernetes version v1.15.0: lade knows v1.16 to v1.36"],
    ["an API the release does not accept (Clusterfile)", { clusterfile: clusterfile("apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n") }, "Clusterfile:1:13: Kubernetes v1.27.3 does not accept kubeadm.k8s.io/v1beta2: its kubeadm reads kubeadm.k8s.io/v1beta3"],
    ["an API the release does not accept (image)", { imageConfig: { text: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n", file: "etc/kubeadm.yml" }, imageLabels: { [VERSION_LABEL]: "v1.30.1" } }, "etc/kubeadm.yml:1:13: Kubernetes v1.30.1 does not accept kubeadm.k8s.io/v1beta4: its kubeadm reads kubeadm.k8s.io/v1beta3"],
    ["a mistake in the rendered template", { imageConfig: { text: "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  bindPort: {{ .Port }}\n", file: "etc/kubeadm.yml.tmpl" }, imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, 'etc/kubeadm.yml.tmpl:4:13: "localAPIEndpoint.bindPort" must be a whole number, not "<no value>"'],
    ["a template that does not parse", { imageConfig: { text: "a: {{ .Port", file: "etc/kubeadm.yml.tmpl" }, imageLabels: { [VERSION_LABEL]: "v1.27.3" } }, "template: etc/kubeadm.yml.tmpl:1:"],
    ["a Clusterfile mistake", { clusterfile: clusterfile("apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  hosts: [{ips: [1.2.3], roles: [master]}]\n") }, 'Clusterfile:4:18: "1.2.3" is not an IP address'],
  ] as [string, KubeadmConfigSources, string][])("%s: at its file:line", (_what, sources, message) => {
    const error = errorOf(() => resolve(sources));
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message.startsWith(message)).toBe(true);
  });
});
