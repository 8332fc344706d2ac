import { describe, expect, test } from "bun:test";
import { componentConfigSchema, type ComponentKind } from "../../src/kubeadm/component-config-schema.ts";
import type { FieldSchema } from "../../src/kubeadm/config-schema.ts";
import type { ConfigValue } from "../../src/kubeadm/config-value.ts";
import { parseConfigFile } from "../../src/kubeadm/parse-config-file.ts";
import { resolveKubeadmConfig } from "../../src/kubeadm/resolve-kubeadm-config.ts";
import { validateConfigDocument } from "../../src/kubeadm/validate-config-document.ts";
import data from "../../src/kubeadm/data/component-config-schemas.json" with { type: "json" };

/**
 * KubeletConfiguration and KubeProxyConfiguration checked against upstream's types.go of each
 * minor (src/kubeadm/data/component-config-schemas.json, made by scripts/gen-config-schemas.ts).
 */
const KUBELET = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";
const PROXY = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";
const KINDS: readonly ComponentKind[] = ["KubeletConfiguration", "KubeProxyConfiguration"];
const [FIRST, LAST] = data.minors as [number, number];
const MINORS = Array.from({ length: LAST - FIRST + 1 }, (_, index) => FIRST + index);

/** A value every decoder of the schema takes. */
function validValue(schema: FieldSchema): ConfigValue {
  switch (schema.type) {
    case "string":
      return "text";
    case "bool":
      return true;
    case "int":
      return 3;
    case "number":
      return 0.5;
    case "duration":
      return "1m30s";
    case "scalar":
      return "100Mi";
    case "any":
      return { anything: ["goes"] };
    case "list":
      return [validValue(schema.items)];
    case "map":
      return { key: validValue(schema.values) };
    case "struct":
      return Object.fromEntries(Object.entries(schema.fields).map(([name, field]) => [name, validValue(field)]));
  }
}

/** A value of the wrong type for the schema, when there is one. */
function wrongValue(schema: FieldSchema): ConfigValue | undefined {
  if (schema.type === "any") return undefined;
  if (schema.type === "string") return 7;
  if (schema.type === "scalar") return [1];
  return "wrong";
}

function check(kind: ComponentKind, body: Record<string, ConfigValue>, minor?: number): void {
  validateConfigDocument({ kind, apiVersion: kind === "KubeletConfiguration" ? "kubelet.config.k8s.io/v1beta1" : "kubeproxy.config.k8s.io/v1alpha1", body }, "v1beta3", minor === undefined ? {} : { kubernetesMinor: minor });
}

describe("the kubelet's and kube-proxy's configs, as upstream's types declare them", () => {
  test.each(KINDS)("%s: in every minor, a document that sets every field of that minor validates; a wrong type in any one field fails naming it", (kind) => {
    for (const minor of MINORS) {
      const schema = componentConfigSchema(kind, minor);
      const full = validValue(schema) as Record<string, ConfigValue>;
      expect(() => check(kind, full, minor)).not.toThrow();
      for (const [name, field] of Object.entries(schema.fields)) {
        const wrong = wrongValue(field);
        if (wrong === undefined) continue;
        expect(() => check(kind, { ...full, [name]: wrong }, minor)).toThrow(`"${name}" must be`);
      }
    }
  });

  test("the kubelet's fields as they came: containerRuntimeEndpoint in v1.27, memorySwap in v1.22, registerWithTaints in v1.23; nested types are upstream's", () => {
    const fields = (minor: number) => componentConfigSchema("KubeletConfiguration", minor).fields;
    expect(fields(26).containerRuntimeEndpoint).toBeUndefined();
    expect(fields(27).containerRuntimeEndpoint).toEqual({ type: "string" });
    expect(fields(21).memorySwap).toBeUndefined();
    expect(fields(22).memorySwap).toEqual({ type: "struct", fields: { swapBehavior: { type: "string" } } });
    expect(fields(23).registerWithTaints).toEqual({ type: "list", items: { type: "struct", fields: { key: { type: "string" }, value: { type: "string" }, effect: { type: "string" }, timeAdded: { type: "string" } } } });
    expect(fields(16).maxPods).toEqual({ type: "int" });
    expect(fields(16).featureGates).toEqual({ type: "map", values: { type: "bool" } });
    expect(fields(16).evictionHard).toEqual({ type: "map", values: { type: "string" } });
    expect(fields(16).syncFrequency).toEqual({ type: "duration" });
    // component-base's LoggingConfiguration, read from its own types.go
    const logging = fields(LAST).logging as { fields: Record<string, FieldSchema> };
    expect(Object.keys(logging.fields)).toEqual(expect.arrayContaining(["format", "flushFrequency", "verbosity", "vmodule", "options"]));
  });

  test("kube-proxy's: logging came in v1.28, nftables in v1.29, udpIdleTimeout's last version was v1.25; clientConnection.qps is a number", () => {
    const fields = (minor: number) => componentConfigSchema("KubeProxyConfiguration", minor).fields;
    expect(fields(27).logging).toBeUndefined();
    expect(fields(28).logging?.type).toBe("struct");
    expect(fields(28).nftables).toBeUndefined();
    expect(fields(29).nftables?.type).toBe("struct");
    expect(fields(25).udpIdleTimeout).toEqual({ type: "duration" });
    expect(fields(26).udpIdleTimeout).toBeUndefined();
    expect((fields(16).clientConnection as { fields: Record<string, FieldSchema> }).fields.qps).toEqual({ type: "number" });
  });

  test("every minor's source commit is recorded", () => {
    for (const repo of ["kubelet", "kube-proxy", "component-base"] as const) {
      const tags = data.sources[repo].tags as Record<string, string>;
      expect(Object.keys(tags).map((tag) => Number(tag.split(".")[1]))).toEqual(MINORS);
      for (const commit of Object.values(tags)) expect(commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

/** [what, the document after its apiVersion/kind lines, the Kubernetes version, the whole message] */
const BROKEN: [string, string, string, string][] = [
  ["a kubelet field misspelt", "cgroupDrivr: systemd\n", "v1.27.3", 'kubelet.yaml:3:1: Unknown field "cgroupDrivr" in kubelet.config.k8s.io/v1beta1 KubeletConfiguration'],
  ["a kubelet number in quotes", 'maxPods: "110"\n', "v1.27.3", 'kubelet.yaml:3:10: "maxPods" must be a whole number, not "110"'],
  ["a kubelet duration without unit", "syncFrequency: 30\n", "v1.27.3", 'kubelet.yaml:3:16: "syncFrequency" must be a duration such as "5m0s" or "1h", not 30'],
  ["a kubelet feature gate that is not a boolean", "featureGates:\n  NodeSwap: yes please\n", "v1.27.3", 'kubelet.yaml:4:13: "featureGates.NodeSwap" must be true or false, not "yes please"'],
  ["a kubelet taint with a wrong field", "registerWithTaints:\n  - key: a\n    efect: NoSchedule\n", "v1.27.3", 'kubelet.yaml:5:5: Unknown field "registerWithTaints[0].efect" in kubelet.config.k8s.io/v1beta1 KubeletConfiguration'],
  ["a kubelet field of a newer minor", "containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n", "v1.26.15", 'kubelet.yaml:3:1: Unknown field "containerRuntimeEndpoint" in kubelet.config.k8s.io/v1beta1 KubeletConfiguration: Kubernetes v1.26 does not have it (it came in v1.27)'],
  ["a kubelet nested field of a newer minor", "memorySwap:\n  swapBehavior: LimitedSwap\n", "v1.21.14", 'kubelet.yaml:3:1: Unknown field "memorySwap" in kubelet.config.k8s.io/v1beta1 KubeletConfiguration: Kubernetes v1.21 does not have it (it came in v1.22)'],
  ["a kube-proxy mode that is a list", "mode: [ipvs]\n", "v1.27.3", 'kubelet.yaml:3:7: "mode" must be a string, not a list'],
  ["a kube-proxy ipvs field misspelt", "ipvs:\n  strictArp: true\n", "v1.27.3", 'kubelet.yaml:4:3: Unknown field "ipvs.strictArp" in kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration'],
  ["a kube-proxy qps that is not a number", "clientConnection:\n  qps: fast\n", "v1.27.3", 'kubelet.yaml:4:8: "clientConnection.qps" must be a number, not "fast"'],
  ["a kube-proxy field that went away", "udpIdleTimeout: 250ms\n", "v1.27.3", 'kubelet.yaml:3:1: Unknown field "udpIdleTimeout" in kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration: Kubernetes v1.27 does not have it (its last version was v1.25)'],
  ["a kube-proxy field of a newer minor", "nftables:\n  syncPeriod: 30s\n", "v1.28.15", 'kubelet.yaml:3:1: Unknown field "nftables" in kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration: Kubernetes v1.28 does not have it (it came in v1.29)'],
];

describe("broken kubelet and kube-proxy documents fail at the field, before anything is merged", () => {
  test.each(BROKEN)("%s", (_what, text, version, message) => {
    const header = text.startsWith("mode") || text.startsWith("ipvs") || text.startsWith("clientConnection") || text.startsWith("udp") || text.startsWith("nftables") ? PROXY : KUBELET;
    const file = `${header}${text}`;
    const run = () => {
      const parsed = parseConfigFile(file, "kubelet.yaml", { allowCluster: false });
      expect(parsed.documents).toHaveLength(1);
      resolveKubeadmConfig({ imageConfig: { text: file, file: "kubelet.yaml" }, imageLabels: { "cluster.alpha.sealer.io/cluster-runtime-version": version } });
    };
    expect(run).toThrow(message);
  });
});
