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
    expect(() => configs("  path: x\n  data: x\n  process: value|toYaml\n")).toThrow('Clusterfile:8:12: Config c: spec.process step "toYaml" is not one of value, toJson, toBase64, toSecret');
    expect(() => configs("  path: x\n  data: just text\n  process: value|toJson\n")).toThrow('Config c: spec.process value|toJson: with "value", spec.data must be a map');
    expect(() => configs("  path: x\n  data: |\n    a: {b: c}\n  process: value|toBase64\n")).toThrow("toBase64 and toSecret need text values");
  });

  test("spec.process as sealer's config processors run it: the whole data, or with value each of its values", () => {
    const data = '  data: |\n    config:\n      port: 3306\n      name: "<db>"\n    user: root\n';
    expect(configs(`  path: a.json\n  process: toJson\n${data}`)[0]!.data).toBe('{"config":{"name":"\\u003cdb\\u003e","port":3306},"user":"root"}');
    expect(Bun.YAML.parse(configs(`  path: b.yaml\n  process: value|toJson\n${data}`)[0]!.data)).toEqual({ config: '{"name":"\\u003cdb\\u003e","port":3306}', user: '"root"' });
    expect(configs(`  path: c.txt\n  process: toBase64\n  data: secret\n`)[0]!.data).toBe(Buffer.from("secret").toString("base64"));
    const perValue = configs(`  path: d.yaml\n  process: value|toJson|toBase64\n${data}`)[0]!.data;
    expect(Bun.YAML.parse(perValue)).toEqual({ config: Buffer.from('{"name":"\\u003cdb\\u003e","port":3306}').toString("base64"), user: Buffer.from('"root"').toString("base64") });
  });

  test("toSecret puts each entry of the data into the Secret the file holds, base64-encoded; a file that is not there is written as the data", () => {
    const [config] = configs("  path: manifests/secret.yaml\n  process: value|toSecret\n  data: |\n    password: s3cret\n    user: root\n");
    const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  host: ZGI=\n  user: b2xk\n";
    expect(Bun.YAML.parse(applyClusterConfig(config!, secret))).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db" },
      type: "Opaque",
      data: { host: "ZGI=", user: Buffer.from("root").toString("base64"), password: Buffer.from("s3cret").toString("base64") },
    });
    expect(applyClusterConfig(config!, undefined)).toBe("password: s3cret\nuser: root\n");
    expect(() => applyClusterConfig(config!, "- a list\n")).toThrow("Config c: manifests/secret.yaml: toSecret needs the file to be a Secret manifest");
  });
});
