import { describe, expect, test } from "bun:test";
import { parseClusterfile } from "../../src/kubeadm/parse-clusterfile.ts";
import { parseConfigFile } from "../../src/kubeadm/parse-config-file.ts";
import { UserInputError } from "../../src/util/source-location.ts";
import { fixture } from "./expect-golden.ts";

describe("parseClusterfile()", () => {
  test("reads sealer's Cluster and the kubeadm documents next to it", () => {
    const clusterfile = parseClusterfile(fixture("clusterfile-ha.yaml"), "Clusterfile");
    const cluster = clusterfile.cluster!;
    expect(cluster.name).toBe("demo");
    expect(cluster.image).toBe("demo/kubernetes:v1.22.17");
    expect(cluster.env).toEqual(["CgroupDriver=systemd", "CertSANs=k8s.example.com,10.0.0.100"]);
    expect(cluster.ssh).toEqual({ user: "root", passwd: "secret", port: "22" });
    expect(cluster.registry).toEqual({ local: { domain: "hub.local", port: 5443 } });
    expect(cluster.hosts.map((host) => [host.ips, host.roles, host.env])).toEqual([
      [["192.168.10.2", "192.168.10.3", "192.168.10.4"], ["master"], []],
      [["192.168.10.5", "192.168.10.6"], ["node"], ["NodeZone=b"]],
    ]);
    expect(cluster.hosts[1]!.location).toEqual({ file: "Clusterfile", line: 21, column: 7 });
    expect(clusterfile.api).toBe("v1beta3");
    expect(clusterfile.documents.map((document) => document.kind)).toEqual([
      "ClusterConfiguration",
      "KubeletConfiguration",
      "KubeProxyConfiguration",
    ]);
    expect(clusterfile.documents[1]!.body).toEqual({ failSwapOn: false, serializeImagePulls: false, evictionHard: { "nodefs.available": null } });
  });

  test("reads every sealer.io/v2 field: cmd_args, appNames, host ssh/labels/taints, registries, hostAliases, IPv6", () => {
    const { cluster } = parseClusterfile(
      `apiVersion: sealer.io/v2
kind: Cluster
metadata: {name: full, labels: {team: a}}
spec:
  image: k8s:v1.27.3
  cmd_args: [--set, a=b]
  cmd: [echo hi]
  appNames: [calico]
  containerRuntime: {type: docker}
  dataRoot: /data/sealer
  ssh: {user: admin, pk: /root/.ssh/id_rsa, pkPasswd: p, port: "2222", encrypted: false}
  hosts:
    - ips: ["FD00:0:0::2"]
      roles: [master, db]
      ssh: {passwd: x}
      labels: {zone: a}
      taints: ["key=value:NoSchedule"]
  registry:
    localRegistry:
      domain: reg.local
      ha: false
      insecure: true
      cert: {subjectAltName: {dnsNames: [reg.local], ips: [10.0.0.9]}}
    externalRegistry: {domain: ext.example.com, port: 443, username: u, password: p}
  hostAliases:
    - {ip: 10.0.0.9, hostnames: [reg.local]}
`,
      "Clusterfile",
    );
    expect(cluster).toMatchObject({
      cmdArgs: ["--set", "a=b"],
      cmd: ["echo hi"],
      appNames: ["calico"],
      containerRuntime: "docker",
      dataRoot: "/data/sealer",
      ssh: { user: "admin", pk: "/root/.ssh/id_rsa", pkPasswd: "p", port: "2222", encrypted: false },
      registry: {
        local: { domain: "reg.local", ha: false, insecure: true, subjectAltNames: { dnsNames: ["reg.local"], ips: ["10.0.0.9"] } },
        external: { domain: "ext.example.com", port: 443, username: "u", password: "p" },
      },
      hostAliases: [{ ip: "10.0.0.9", hostnames: ["reg.local"] }],
    });
    // a registry field left out stays out: the image's registry fills it in (cluster-env)
    expect(cluster!.registry.local!.port).toBeUndefined();
    expect(cluster!.hosts[0]).toMatchObject({ ips: ["fd00::2"], roles: ["master", "db"], ssh: { passwd: "x" }, labels: { zone: "a" }, taints: ["key=value:NoSchedule"] });
  });

  test("a Clusterfile may hold only kubeadm documents, and empty documents are skipped", () => {
    const clusterfile = parseClusterfile("---\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n", "Clusterfile");
    expect(clusterfile.cluster).toBeUndefined();
    expect(clusterfile.api).toBe("v1beta4");
  });

  test("keeps sealer's other kinds for lade run, leaves other kubeadm kinds out with a warning", () => {
    const clusterfile = parseClusterfile(
      `apiVersion: sealer.io/v1
kind: Config
spec: {path: etc/x}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ResetConfiguration
`,
      "Clusterfile",
    );
    expect(clusterfile.sealerDocuments.map((document) => [document.kind, document.location.line])).toEqual([["Config", 1]]);
    expect(clusterfile.warnings).toEqual([
      "Clusterfile:6:7: kubeadm.k8s.io/v1beta4 ResetConfiguration is not part of the kubeadm config lade writes: it is left out",
    ]);
  });

  test("reads YAML as kubeadm does (1.1): anchors, aliases and merge keys work", () => {
    const { documents } = parseConfigFile(
      `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraVolumes:
    - &localtime {name: localtime, hostPath: /etc/localtime, mountPath: /etc/localtime}
controllerManager:
  extraVolumes:
    - *localtime
    - <<: *localtime
      name: other
`,
      "kubeadm.yml",
      { allowCluster: false },
    );
    expect(documents[0]!.body.controllerManager).toEqual({
      extraVolumes: [
        { name: "localtime", hostPath: "/etc/localtime", mountPath: "/etc/localtime" },
        { name: "other", hostPath: "/etc/localtime", mountPath: "/etc/localtime" },
      ],
    });
  });

  test("an empty value is not written; null is kept to delete", () => {
    const { documents } = parseConfigFile("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver:\nmaxPods: null\npodPidsLimit: ~\n", "f", {
      allowCluster: false,
    });
    expect(documents[0]!.body).toEqual({ maxPods: null, podPidsLimit: null });
  });
});

const CLUSTER = "apiVersion: sealer.io/v2\nkind: Cluster\n";
const HOSTS = "  hosts:\n    - ips: [10.0.0.2]\n      roles: [master]\n";

/** [what, Clusterfile text, the whole error message] */
const ERRORS: [string, string, string][] = [
  ["YAML that does not parse", "apiVersion: sealer.io/v2\nkind: [Cluster\n", "Clusterfile:3:1: Cannot parse YAML:"],
  ["a document that is not a map", "- a\n- b\n", "Clusterfile:1:1: A document must be a map with apiVersion and kind"],
  ["a document without kind", "apiVersion: v1\nspec: {}\n", 'Clusterfile:1:1: The document has no "kind"'],
  ["a document without apiVersion", "kind: ClusterConfiguration\n", 'Clusterfile:1:7: The ClusterConfiguration document has no "apiVersion"'],
  [
    "an unknown kind",
    "apiVersion: v1\nkind: ConfigMap\n",
    'Clusterfile:2:7: Unknown kind "ConfigMap" (apiVersion v1): expected Cluster, InitConfiguration, ClusterConfiguration, JoinConfiguration, KubeletConfiguration, KubeProxyConfiguration',
  ],
  [
    "a sealer.io/v1 Cluster",
    "apiVersion: sealer.io/v1\nkind: Cluster\n",
    'Clusterfile:1:13: Unsupported Cluster apiVersion "sealer.io/v1": lade reads sealer\'s sealer.io/v2 Clusterfile',
  ],
  ["two Clusters", `${CLUSTER}---\n${CLUSTER}`, "Clusterfile:5:7: A second Cluster document: the first is at Clusterfile:2:7"],
  [
    "two ClusterConfigurations",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n",
    "Clusterfile:5:7: A second ClusterConfiguration document: the first is at Clusterfile:2:7",
  ],
  [
    "a kubeadm API lade does not read",
    "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: InitConfiguration\n",
    'Clusterfile:1:13: Unsupported apiVersion "kubeadm.k8s.io/v1alpha3" for InitConfiguration: lade reads kubeadm.k8s.io/v1beta1 to kubeadm.k8s.io/v1beta4',
  ],
  [
    "kubeadm documents in two versions",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n",
    "Clusterfile:4:13: ClusterConfiguration is kubeadm.k8s.io/v1beta4 but the document at Clusterfile:1:13 is kubeadm.k8s.io/v1beta3: write every kubeadm document of a file in one version",
  ],
  [
    "a KubeletConfiguration with the wrong apiVersion",
    "apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n",
    'Clusterfile:1:13: Unsupported apiVersion "kubelet.config.k8s.io/v1" for KubeletConfiguration: expected kubelet.config.k8s.io/v1beta1',
  ],
  [
    "an unknown field",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArg:\n    v: '2'\n",
    'Clusterfile:4:3: Unknown field "apiServer.extraArg" in kubeadm.k8s.io/v1beta3 ClusterConfiguration',
  ],
  [
    "a field of another API version",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nencryptionAlgorithm: ECDSA-P256\n",
    'Clusterfile:3:1: Unknown field "encryptionAlgorithm" in kubeadm.k8s.io/v1beta3 ClusterConfiguration: it exists in kubeadm.k8s.io/v1beta4',
  ],
  [
    "a field v1beta4 removed",
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  timeoutForControlPlane: 4m0s\n",
    'Clusterfile:4:3: Unknown field "apiServer.timeoutForControlPlane" in kubeadm.k8s.io/v1beta4 ClusterConfiguration: it exists in kubeadm.k8s.io/v1beta2 and kubeadm.k8s.io/v1beta3',
  ],
  [
    "a number where kubeadm wants a string",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    audit-log-maxage: 7\n",
    'Clusterfile:5:23: "apiServer.extraArgs.audit-log-maxage" must be a string, not 7: write it in quotes, "7"',
  ],
  [
    "a YAML 1.1 boolean where kubeadm wants a string",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    profiling: off\n",
    'Clusterfile:5:16: "apiServer.extraArgs.profiling" must be a string, not false: write it in quotes, "false"',
  ],
  [
    "a string where kubeadm wants a number",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  bindPort: '6443'\n",
    'Clusterfile:4:13: "localAPIEndpoint.bindPort" must be a whole number, not "6443"',
  ],
  [
    "a bad duration",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  timeout: 5 minutes\n",
    'Clusterfile:4:12: "discovery.timeout" must be a duration such as "5m0s" or "1h", not "5 minutes"',
  ],
  [
    "a boolean that is not",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    unsafeSkipCAVerification: maybe\n",
    'Clusterfile:5:31: "discovery.bootstrapToken.unsafeSkipCAVerification" must be true or false, not "maybe"',
  ],
  [
    "a map where a list belongs",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  certSANs: {a: b}\n",
    'Clusterfile:4:13: "apiServer.certSANs" must be a list, not a map',
  ],
  [
    "an empty list item",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  certSANs:\n    - a\n    -\n",
    'Clusterfile:6:6: "apiServer.certSANs[1]" is empty: remove it or give it a value',
  ],
  [
    "v1beta4 extraArgs written as a map",
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    v: '2'\n",
    'Clusterfile:5:5: "apiServer.extraArgs" must be a list, not a map',
  ],
  [
    "a v1beta4 argument without a name",
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    - value: '2'\n",
    'Clusterfile:5:7: "nodeRegistration.kubeletExtraArgs[0]" needs a name: write {name: FLAG, value: VALUE}',
  ],
  [
    "a v1beta3 extraArgs written as a list",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nscheduler:\n  extraArgs:\n    - {name: v, value: '2'}\n",
    'Clusterfile:5:5: "scheduler.extraArgs" must be a map, not a list',
  ],
  ["an unknown Cluster field", `${CLUSTER}spec:\n  hots: []\n`, 'Clusterfile:4:3: Unknown field "spec.hots" in sealer.io/v2 Cluster'],
  ["a host address that is not an IP", `${CLUSTER}spec:\n  hosts:\n    - ips: [10.0.0.300]\n      roles: [master]\n`, 'Clusterfile:5:13: "10.0.0.300" is not an IP address'],
  [
    "a host listed twice",
    `${CLUSTER}spec:\n  hosts:\n    - ips: [10.0.0.2]\n      roles: [master]\n    - ips: [10.0.0.2]\n      roles: [node]\n`,
    "Clusterfile:7:13: 10.0.0.2 is listed twice: it is also at Clusterfile:5:13",
  ],
  ["a host without ips", `${CLUSTER}spec:\n  hosts:\n    - roles: [master]\n`, 'Clusterfile:5:7: "spec.hosts[0]" needs "ips": the addresses of the hosts'],
  ["a host without roles", `${CLUSTER}spec:\n  hosts:\n    - ips: [10.0.0.2]\n`, 'Clusterfile:5:7: "spec.hosts[0]" needs "roles": master or node'],
  [
    "hosts without a master",
    `${CLUSTER}spec:\n  hosts:\n    - ips: [10.0.0.2]\n      roles: [node]\n`,
    'Clusterfile:5:5: No host has the role "master": the first master runs kubeadm init',
  ],
  ["an env entry without =", `${CLUSTER}spec:\n  env: [A=1, B]\n`, 'Clusterfile:4:14: "spec.env[1]" must be KEY=VALUE, not "B"'],
  ["a host env entry without =", `${CLUSTER}spec:\n${HOSTS}      env: [=x]\n`, 'Clusterfile:7:13: "spec.hosts[0].env[0]" must be KEY=VALUE, not "=x"'],
  [
    "an external registry without a domain",
    `${CLUSTER}spec:\n  registry:\n    externalRegistry: {port: 443}\n`,
    'Clusterfile:5:23: "spec.registry.externalRegistry" needs a "domain"',
  ],
  [
    "a registry port out of range",
    `${CLUSTER}spec:\n  registry:\n    localRegistry: {port: 70000}\n`,
    'Clusterfile:5:27: "spec.registry.localRegistry.port" must be a port from 1 to 65535, not 70000',
  ],
  ["a hostAlias that is not an IP", `${CLUSTER}spec:\n  hostAliases:\n    - {ip: reg, hostnames: [a]}\n`, 'Clusterfile:5:12: "spec.hostAliases[0].ip" must be an IP address, not "reg"'],
  [
    "a field that should hold fields",
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer: on\n",
    'Clusterfile:3:12: "apiServer" must be a map of fields, not true',
  ],
  ["a key that is not a plain value", "? [a, b]\n: c\n", "Clusterfile:1:3: Cannot read a YAML key that is not a plain value"],
  ["a merge key that does not name a map", "apiVersion: v1\n<<: 5\n", "Clusterfile:2:5: A YAML merge key (<<) needs a map or a list of maps"],
  ["an ssh port that is a list", `${CLUSTER}spec:\n  ssh: {port: [22]}\n`, 'Clusterfile:4:15: "spec.ssh.port" must be a string or a number, not a list'],
];

describe("parseClusterfile() errors", () => {
  test.each(ERRORS)("%s", (_what, text, message) => {
    let caught: unknown;
    try {
      parseClusterfile(text, "Clusterfile");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserInputError);
    expect((caught as Error).message.startsWith(message)).toBe(true);
    if (!message.endsWith(":")) expect((caught as Error).message).toBe(message);
  });

  test("an image's kubeadm.yml cannot hold a Cluster", () => {
    expect(() => parseConfigFile(`${CLUSTER}spec: {}\n`, "etc/kubeadm.yml", { allowCluster: false })).toThrow(
      "etc/kubeadm.yml:2:7: A Cluster document belongs in a Clusterfile, not in etc/kubeadm.yml",
    );
  });

  test("an alias loop is refused, not followed forever", () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`;
    expect(() => parseClusterfile(bomb, "Clusterfile")).toThrow(UserInputError);
  });
});
