import { describe, expect, test } from "bun:test";
import type { ConfigDocument } from "../../src/kubeadm/config-document.ts";
import { convertConfigDocuments } from "../../src/kubeadm/convert-config-documents.ts";
import type { KubeadmApiVersion } from "../../src/kubeadm/kubeadm-api.ts";
import { parseConfigFile } from "../../src/kubeadm/parse-config-file.ts";
import { validateConfigDocument } from "../../src/kubeadm/validate-config-document.ts";

const V1BETA3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: 192.168.0.2
    v: "4"
  imagePullPolicy: IfNotPresent
skipPhases: [addon/kube-proxy]
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    audit-log-maxage: "30"
    feature-gates: null
  timeoutForControlPlane: 8m0s
controllerManager:
  extraArgs:
    bind-address: 0.0.0.0
scheduler:
  extraArgs:
    bind-address: 0.0.0.0
etcd:
  local:
    extraArgs:
      listen-metrics-urls: http://0.0.0.0:2381
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  timeout: 10m0s
nodeRegistration:
  kubeletExtraArgs:
    node-ip: 192.168.0.3
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
`;

function read(text: string): ConfigDocument[] {
  return parseConfigFile(text, "kubeadm.yml", { allowCluster: false }).documents;
}

function byKind(documents: readonly ConfigDocument[]): Record<string, ConfigDocument> {
  return Object.fromEntries(documents.map((document) => [document.kind, document]));
}

function expectValid(documents: readonly ConfigDocument[], api: KubeadmApiVersion): void {
  for (const document of documents) validateConfigDocument({ ...document, source: undefined }, api);
}

describe("convertConfigDocuments() v1beta3 → v1beta4", () => {
  const { documents, warnings } = convertConfigDocuments(read(V1BETA3), "v1beta4");
  const kinds = byKind(documents);

  test("writes every kubeadm document as kubeadm.k8s.io/v1beta4 and leaves the kubelet's alone", () => {
    expect(documents.map((document) => `${document.apiVersion} ${document.kind}`)).toEqual([
      "kubeadm.k8s.io/v1beta4 InitConfiguration",
      "kubeadm.k8s.io/v1beta4 ClusterConfiguration",
      "kubeadm.k8s.io/v1beta4 JoinConfiguration",
      "kubelet.config.k8s.io/v1beta1 KubeletConfiguration",
    ]);
    expect(kinds.KubeletConfiguration!.body).toEqual({ cgroupDriver: "systemd" });
    expect(warnings).toEqual([]);
    expectValid(documents, "v1beta4");
  });

  test("turns extraArgs maps into {name, value} lists, keeping a null as a deletion", () => {
    const cluster = kinds.ClusterConfiguration!.body;
    expect(cluster.apiServer).toEqual({
      extraArgs: [
        { name: "audit-log-maxage", value: "30" },
        { name: "feature-gates", value: null },
      ],
    });
    expect(cluster.controllerManager).toEqual({ extraArgs: [{ name: "bind-address", value: "0.0.0.0" }] });
    expect(cluster.scheduler).toEqual({ extraArgs: [{ name: "bind-address", value: "0.0.0.0" }] });
    expect(cluster.etcd).toEqual({ local: { extraArgs: [{ name: "listen-metrics-urls", value: "http://0.0.0.0:2381" }] } });
  });

  test("turns kubeletExtraArgs into lists in InitConfiguration and JoinConfiguration", () => {
    expect(kinds.InitConfiguration!.body.nodeRegistration).toEqual({
      criSocket: "unix:///run/containerd/containerd.sock",
      kubeletExtraArgs: [
        { name: "node-ip", value: "192.168.0.2" },
        { name: "v", value: "4" },
      ],
      imagePullPolicy: "IfNotPresent",
    });
    expect(kinds.JoinConfiguration!.body.nodeRegistration).toEqual({ kubeletExtraArgs: [{ name: "node-ip", value: "192.168.0.3" }] });
  });

  test("moves apiServer.timeoutForControlPlane to timeouts.controlPlaneComponentHealthCheck", () => {
    expect(kinds.InitConfiguration!.body.timeouts).toEqual({ controlPlaneComponentHealthCheck: "8m0s" });
    expect(kinds.JoinConfiguration!.body.timeouts).toEqual({ controlPlaneComponentHealthCheck: "8m0s", discovery: "10m0s" });
    expect(kinds.ClusterConfiguration!.body.apiServer).not.toHaveProperty("timeoutForControlPlane");
  });

  test("moves discovery.timeout to timeouts.discovery", () => {
    expect(kinds.JoinConfiguration!.body).not.toHaveProperty("discovery");
  });

  test("creates an InitConfiguration when the file had none to hold the timeout", () => {
    const only = convertConfigDocuments(read("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  timeoutForControlPlane: 2m0s\n"), "v1beta4");
    expect(byKind(only.documents).InitConfiguration!.body).toEqual({ timeouts: { controlPlaneComponentHealthCheck: "2m0s" } });
  });

  test("does not change its input", () => {
    const input = read(V1BETA3);
    const copy = structuredClone(input.map((document) => document.body));
    convertConfigDocuments(input, "v1beta4");
    expect(input.map((document) => document.body)).toEqual(copy);
  });
});

describe("convertConfigDocuments() v1beta4 → v1beta3", () => {
  const V1BETA4 = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
encryptionAlgorithm: ECDSA-P256
certificateValidityPeriod: 8760h0m0s
apiServer:
  extraArgs:
    - name: audit-log-maxage
      value: "30"
    - name: tls-cipher-suites
      value: A
    - name: tls-cipher-suites
      value: B
  extraEnvs:
    - name: HTTP_PROXY
      value: http://proxy:3128
dns:
  disabled: false
proxy:
  disabled: true
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
nodeRegistration:
  imagePullSerial: false
  kubeletExtraArgs:
    - name: v
      value: "4"
timeouts:
  controlPlaneComponentHealthCheck: 6m0s
  kubeletHealthCheck: 1m0s
dryRun: true
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
timeouts:
  discovery: 7m0s
`;
  const { documents, warnings } = convertConfigDocuments(read(V1BETA4), "v1beta3");
  const kinds = byKind(documents);

  test("turns {name, value} lists back into maps and moves the timeouts back", () => {
    expect(kinds.ClusterConfiguration!.body).toEqual({
      apiServer: { extraArgs: { "audit-log-maxage": "30", "tls-cipher-suites": "B" }, timeoutForControlPlane: "6m0s" },
    });
    expect(kinds.InitConfiguration!.body).toEqual({ nodeRegistration: { kubeletExtraArgs: { v: "4" } } });
    expect(kinds.JoinConfiguration!.body).toEqual({ discovery: { timeout: "7m0s" } });
    expectValid(documents, "v1beta3");
  });

  test("warns, at the line, about every field v1beta3 cannot hold and about repeated flags", () => {
    expect(warnings).toEqual([
      'kubeadm.yml:7:5: "apiServer.extraArgs" gives "tls-cipher-suites" more than once: kubeadm.k8s.io/v1beta3 keeps only the last value',
      'kubeadm.yml:14:5: "apiServer.extraEnvs" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:3:22: "encryptionAlgorithm" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:4:28: "certificateValidityPeriod" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:19:13: "proxy.disabled" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:24:20: "nodeRegistration.imagePullSerial" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:31:9: "dryRun" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
      'kubeadm.yml:30:23: "timeouts.kubeletHealthCheck" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm.k8s.io/v1beta3 has no such field',
    ]);
  });
});

describe("convertConfigDocuments() round trips", () => {
  test("v1beta3 → v1beta4 → v1beta3 gives the v1beta3 documents back", () => {
    const original = read(V1BETA3);
    const there = convertConfigDocuments(original, "v1beta4");
    const back = convertConfigDocuments(there.documents, "v1beta3");
    expect(back.warnings).toEqual([]);
    expect(byKind(back.documents).ClusterConfiguration!.body).toEqual(byKind(original).ClusterConfiguration!.body);
    expect(byKind(back.documents).InitConfiguration!.body).toEqual(byKind(original).InitConfiguration!.body);
    expect(byKind(back.documents).JoinConfiguration!.body).toEqual(byKind(original).JoinConfiguration!.body);
  });

  test("v1beta2 → v1beta4 passes through v1beta3", () => {
    const { documents, warnings } = convertConfigDocuments(
      read(`apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
useHyperKubeImage: false
dns:
  type: CoreDNS
apiServer:
  extraArgs:
    v: "2"
`),
      "v1beta4",
    );
    expect(warnings).toEqual([]);
    expect(byKind(documents).ClusterConfiguration!.body).toEqual({ apiServer: { extraArgs: [{ name: "v", value: "2" }] } });
    expectValid(documents, "v1beta4");
  });
});

describe("convertConfigDocuments() v1beta2 ↔ v1beta3", () => {
  test("drops useHyperKubeImage and dns.type, warning when they asked for something kubeadm no longer does", () => {
    const { documents, warnings } = convertConfigDocuments(
      read("apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nuseHyperKubeImage: true\ndns:\n  type: kube-dns\n"),
      "v1beta3",
    );
    expect(byKind(documents).ClusterConfiguration!.body).toEqual({});
    expect(warnings).toEqual([
      'kubeadm.yml:3:20: "useHyperKubeImage" is left out when writing kubeadm.k8s.io/v1beta3: kubeadm no longer supports the hyperkube image',
      'kubeadm.yml:5:9: "dns.type" is left out when writing kubeadm.k8s.io/v1beta3: CoreDNS is the only DNS server kubeadm installs',
    ]);
  });

  test("drops skipPhases, patches and imagePullPolicy going down to v1beta2", () => {
    const { documents, warnings } = convertConfigDocuments(
      read(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nskipPhases: [preflight]\npatches:\n  directory: /p\nnodeRegistration:\n  imagePullPolicy: Never\n",
      ),
      "v1beta2",
    );
    expect(byKind(documents).InitConfiguration!.body).toEqual({});
    expect(warnings.map((warning) => warning.split(": ")[1])).toEqual(['"skipPhases" is left out when writing kubeadm.k8s.io/v1beta2', '"patches" is left out when writing kubeadm.k8s.io/v1beta2', '"nodeRegistration.imagePullPolicy" is left out when writing kubeadm.k8s.io/v1beta2']);
  });

  test("a file already in the target version is returned as it is", () => {
    const documents = read(V1BETA3);
    const result = convertConfigDocuments(documents, "v1beta3");
    expect(result.documents.map((document) => document.body)).toEqual(documents.map((document) => document.body));
  });
});
