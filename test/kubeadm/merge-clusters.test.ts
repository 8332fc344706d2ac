import { describe, expect, test } from "bun:test";
import { layerClusters, mergeClusters } from "../../src/kubeadm/merge-clusters.ts";
import { parseClusterfile } from "../../src/kubeadm/parse-clusterfile.ts";

const cluster = (spec: string) => parseClusterfile(`apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n${spec}`, "Clusterfile").cluster!;

describe("mergeClusters: the image's Clusterfile under the user's", () => {
  const image = cluster(
    "  env: [A=image, B=image]\n  ssh:\n    user: admin\n    port: '2222'\n  hosts:\n    - ips: [127.0.0.2]\n      roles: [master]\n  registry:\n    localRegistry:\n      domain: image.hub\n      port: 5000\n",
  );

  test("env merges by key, ssh and registries field by field, the user's fields win", () => {
    const merged = mergeClusters(image, cluster("  env: [B=user, C=user]\n  ssh:\n    user: root\n  registry:\n    localRegistry:\n      domain: user.hub\n"));
    expect(merged.env).toEqual(["A=image", "B=user", "C=user"]);
    expect(merged.ssh).toEqual({ user: "root", port: "2222" });
    expect(merged.registry.local).toMatchObject({ domain: "user.hub", port: 5000 });
    expect(merged.hosts.map((host) => host.ips)).toEqual([["127.0.0.2"]]);
  });

  test("a list the user gives replaces the image's", () => {
    const merged = mergeClusters(image, cluster("  hosts:\n    - ips: [127.0.0.3]\n      roles: [master]\n"));
    expect(merged.hosts.map((host) => host.ips)).toEqual([["127.0.0.3"]]);
  });

  test("layerClusters takes whichever there is", () => {
    expect(layerClusters(image, undefined)).toBe(image);
    expect(layerClusters(undefined, undefined)).toBeUndefined();
  });
});
