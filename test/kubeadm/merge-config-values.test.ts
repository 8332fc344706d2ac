import { describe, expect, test } from "bun:test";
import type { ConfigDocument } from "../../src/kubeadm/config-document.ts";
import type { ConfigObject, ConfigValue } from "../../src/kubeadm/config-value.ts";
import { mergeConfigLayers, mergeConfigValues } from "../../src/kubeadm/merge-config-values.ts";

type Case = [name: string, lower: ConfigObject, higher: ConfigObject, expected: ConfigObject];

const CASES: Case[] = [
  ["a key the higher layer does not write keeps the lower value", { a: 1, b: "x" }, { b: "y" }, { a: 1, b: "y" }],
  ["false overrides true", { enabled: true }, { enabled: false }, { enabled: false }],
  ["true overrides false", { enabled: false }, { enabled: true }, { enabled: true }],
  ["0 overrides a number", { maxPods: 110 }, { maxPods: 0 }, { maxPods: 0 }],
  ["an empty string overrides a string", { dataDir: "/var/lib/etcd" }, { dataDir: "" }, { dataDir: "" }],
  ["an empty list replaces a list", { certSANs: ["a", "b"] }, { certSANs: [] }, { certSANs: [] }],
  ["an empty map merges (changes nothing)", { a: { b: 1 } }, { a: {} }, { a: { b: 1 } }],
  ["lists replace, they are not concatenated", { usages: ["signing", "authentication"] }, { usages: ["signing"] }, { usages: ["signing"] }],
  [
    "lists of objects replace as a whole",
    { extraVolumes: [{ name: "localtime", hostPath: "/etc/localtime" }] },
    { extraVolumes: [{ name: "audit", hostPath: "/var/log" }] },
    { extraVolumes: [{ name: "audit", hostPath: "/var/log" }] },
  ],
  ["null deletes a scalar", { mode: "ipvs", x: 1 }, { mode: null }, { x: 1 }],
  ["null deletes a whole map", { ipvs: { strictARP: true, excludeCIDRs: ["a"] }, mode: "ipvs" }, { ipvs: null }, { mode: "ipvs" }],
  ["null deletes a list", { taints: [{ key: "a" }] }, { taints: null }, {}],
  ["null for a key nothing sets is simply absent", { a: 1 }, { b: null }, { a: 1 }],
  ["nulls inside a new subtree are dropped", { a: 1 }, { b: { c: null, d: 2 } }, { a: 1, b: { d: 2 } }],
  [
    "maps merge key by key, recursively, lower order first",
    { networking: { dnsDomain: "cluster.local", podSubnet: "10.0.0.0/16" } },
    { networking: { serviceSubnet: "10.96.0.0/12", podSubnet: "100.64.0.0/10" } },
    { networking: { dnsDomain: "cluster.local", podSubnet: "100.64.0.0/10", serviceSubnet: "10.96.0.0/12" } },
  ],
  ["a map replaces a scalar", { a: "x" }, { a: { b: 1 } }, { a: { b: 1 } }],
  ["a scalar replaces a map", { a: { b: 1 } }, { a: "x" }, { a: "x" }],
  [
    "map-form extraArgs: add, override and delete flags",
    { extraArgs: { "feature-gates": "A=true", "audit-log-maxage": "7" } },
    { extraArgs: { "feature-gates": null, "audit-log-maxage": "30", v: "2" } },
    { extraArgs: { "audit-log-maxage": "30", v: "2" } },
  ],
  [
    "list-form extraArgs merge by name: an override keeps its place, new flags follow",
    { extraArgs: [{ name: "a", value: "1" }, { name: "b", value: "2" }] },
    { extraArgs: [{ name: "c", value: "3" }, { name: "a", value: "9" }] },
    { extraArgs: [{ name: "a", value: "9" }, { name: "b", value: "2" }, { name: "c", value: "3" }] },
  ],
  [
    "list-form extraArgs: value null deletes the flag",
    { extraArgs: [{ name: "feature-gates", value: "A=true" }, { name: "b", value: "2" }] },
    { extraArgs: [{ name: "feature-gates", value: null }] },
    { extraArgs: [{ name: "b", value: "2" }] },
  ],
  [
    "list-form extraArgs: a name given twice replaces every lower entry of it",
    { extraArgs: [{ name: "x", value: "1" }, { name: "y", value: "2" }, { name: "x", value: "3" }] },
    { extraArgs: [{ name: "x", value: "a" }, { name: "x", value: "b" }] },
    { extraArgs: [{ name: "x", value: "a" }, { name: "x", value: "b" }, { name: "y", value: "2" }] },
  ],
  [
    "list-form kubeletExtraArgs merge by name too",
    { nodeRegistration: { kubeletExtraArgs: [{ name: "node-ip", value: "1.2.3.4" }] } },
    { nodeRegistration: { kubeletExtraArgs: [{ name: "v", value: "4" }] } },
    { nodeRegistration: { kubeletExtraArgs: [{ name: "node-ip", value: "1.2.3.4" }, { name: "v", value: "4" }] } },
  ],
  [
    "list-form extraArgs over nothing: deletions are dropped",
    {},
    { extraArgs: [{ name: "a", value: null }, { name: "b", value: "2" }] },
    { extraArgs: [{ name: "b", value: "2" }] },
  ],
  ["an empty list-form extraArgs changes nothing", { extraArgs: [{ name: "a", value: "1" }] }, { extraArgs: [] }, { extraArgs: [{ name: "a", value: "1" }] }],
];

describe("mergeConfigValues()", () => {
  test.each(CASES)("%s", (_name, lower, higher, expected) => {
    const before = structuredClone([lower, higher]);
    expect(mergeConfigValues(lower, higher) as ConfigValue).toEqual(expected);
    expect([lower, higher]).toEqual(before);
  });

  test("keeps the lower order of keys and appends new ones", () => {
    const merged = mergeConfigValues({ b: 1, a: 2 }, { c: 3, a: 4 }) as ConfigObject;
    expect(Object.keys(merged)).toEqual(["b", "a", "c"]);
  });

  test("null at the top deletes everything; undefined keeps everything", () => {
    expect(mergeConfigValues({ a: 1 }, null)).toBeUndefined();
    expect(mergeConfigValues({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe("mergeConfigLayers()", () => {
  const doc = (body: ConfigObject, kind: ConfigDocument["kind"] = "KubeletConfiguration"): ConfigDocument => ({
    kind,
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    body,
  });

  test("merges lowest first: defaults < image < Clusterfile", () => {
    const merged = mergeConfigLayers([
      [doc({ cgroupDriver: "systemd", failSwapOn: true, maxPods: 110 })],
      [doc({ cgroupDriver: "cgroupfs", maxPods: 250 })],
      [doc({ failSwapOn: false, maxPods: null })],
    ]);
    expect(merged.get("KubeletConfiguration")).toEqual({ cgroupDriver: "cgroupfs", failSwapOn: false });
  });

  test("keeps kinds apart", () => {
    const merged = mergeConfigLayers([
      [doc({ a: 1 }), doc({ mode: "ipvs" }, "KubeProxyConfiguration")],
      [doc({ mode: null }, "KubeProxyConfiguration")],
    ]);
    expect(merged.get("KubeletConfiguration")).toEqual({ a: 1 });
    expect(merged.get("KubeProxyConfiguration")).toEqual({});
  });

  test("returns copies: changing the result leaves the layers alone", () => {
    const lower = doc({ evictionHard: { "memory.available": "100Mi" } });
    const merged = mergeConfigLayers([[lower], [doc({})]]);
    (merged.get("KubeletConfiguration")!.evictionHard as ConfigObject)["memory.available"] = "1Gi";
    expect(lower.body).toEqual({ evictionHard: { "memory.available": "100Mi" } });
  });
});
