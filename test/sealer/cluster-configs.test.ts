import { describe, expect, test } from "bun:test";
import { parseClusterfile } from "../../src/kubeadm/parse-clusterfile.ts";
import { applyClusterConfig, decodeClusterConfigs } from "../../src/sealer/cluster-configs.ts";

const configs = (spec: string) =>
  decodeClusterConfigs(parseClusterfile(`apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: c\nspec:\n${spec}`, "Clusterfile").sealerDocuments);

describe("a Clusterfile's kind: Config", () => {
  test("overwrite (the default) writes the data; appName puts the path in the app's folder", () => {
    const [config] = configs("  path: values.yaml\n  appName: mysql\n  data: |\n    a: 1\n");
    expect(config).toMatchObject({ path: "application/apps/mysql/values.yaml", strategy: "overwrite" });
    expect(applyClusterConfig(config!, "old: true\n")).toBe("a: 1\n");
  });

  test("merge goes into every YAML document of the file, maps key by key, lists replaced", () => {
    const [config] = configs("  path: manifests/x.yaml\n  strategy: merge\n  data: |\n    spec:\n      replicas: 3\n      ports: [80]\n");
    const merged = applyClusterConfig(config!, "kind: A\nspec:\n  replicas: 1\n  ports: [1, 2]\n  keep: kept\n---\nkind: B\n");
    expect(merged.split("---\n").map((document) => Bun.YAML.parse(document))).toEqual([
      { kind: "A", spec: { replicas: 3, ports: [80], keep: "kept" } },
      { kind: "B", spec: { replicas: 3, ports: [80] } },
    ]);
    // a file the image does not have is written
    expect(applyClusterConfig(config!, undefined)).toBe("spec:\n  replicas: 3\n  ports: [80]\n");
  });

  test("mistakes are errors at their line", () => {
    expect(() => configs("  data: x\n")).toThrow("Clusterfile:6:3: Config c needs spec.path");
    expect(() => configs("  path: ../../etc/passwd\n  data: x\n")).toThrow('Clusterfile:6:9: Config c: spec.path "../../etc/passwd" must be a path inside the rootfs');
    expect(() => configs("  path: x\n  data: x\n  strategy: append\n")).toThrow("spec.strategy must be overwrite or merge");
    expect(() => configs("  path: x\n  data: x\n  process: value|toJson\n")).toThrow('spec.process "value|toJson" is not supported');
  });
});
