import { beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatKubeadmConfig } from "../../src/kubeadm/format-kubeadm-config.ts";
import { resolveKubeadmConfig } from "../../src/kubeadm/resolve-kubeadm-config.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";
import { FIXTURES, GOLDEN_DIR } from "./expect-golden.ts";

const CONTEXT = join(FIXTURES, "sealer-context");
const CLUSTERFILE = join(FIXTURES, "clusterfile-ha.yaml");

function golden(name: string): string {
  return readFileSync(join(GOLDEN_DIR, name), "utf8");
}

describe("lade render kubeadm DIR", () => {
  test("a build context: its rootfs/etc/kubeadm.yml.tmpl and its Kubefile's ENV and LABEL", async () => {
    const result = await runLade(["render", "kubeadm", CONTEXT, "-f", CLUSTERFILE]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(golden("sealer-image-v1.22.17.yaml"));
  });

  test("the rootfs folder itself, one node's config", async () => {
    const result = await runLade(["render", "kubeadm", join(CONTEXT, "rootfs"), "-f", CLUSTERFILE, "--node", "192.168.10.5"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(golden("sealer-image-v1.22.17-node.yaml"));
  });

  test("a folder with no kubeadm config: lade's defaults, with a warning", async () => {
    const dir = writeTree(join(tempDir(), "ctx"), { Kubefile: "FROM scratch\nLABEL cluster.alpha.sealer.io/cluster-runtime-version=v1.27.3\n" });
    const result = await runLade(["render", "kubeadm", dir]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(`warning: ${dir} has no etc/kubeadm.yml.tmpl or etc/kubeadm.yml or etc/kubeadm.yaml.tmpl or etc/kubeadm.yaml: lade's defaults are used\n`);
    const expected = resolveKubeadmConfig({ imageLabels: { "cluster.alpha.sealer.io/cluster-runtime-version": "v1.27.3" } });
    expect(result.stdout).toBe(formatKubeadmConfig(expected.documents));
  });
});

describe("lade render kubeadm IMAGE", () => {
  const root = tempDir();

  beforeAll(async () => {
    const built = await runLade(["--root", root, "build", "-q", "-t", "sealer-style:v1.22.17", CONTEXT]);
    expect(built.exitCode).toBe(0);
    // Layers: the template, then its deletion (a whiteout), then a plain etc/kubeadm.yml.
    const layered = join(tempDir(), "layered");
    cpSync(CONTEXT, layered, { recursive: true });
    writeTree(layered, {
      Kubefile:
        "FROM scratch\nCOPY rootfs .\nLABEL cluster.alpha.sealer.io/cluster-runtime-version=v1.27.3\nRUN rm etc/kubeadm.yml.tmpl\nCOPY plain/kubeadm.yml etc/\n",
      "plain/kubeadm.yml": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nclusterName: layered\n",
    });
    const second = await runLade(["--root", root, "build", "-q", "-t", "layered:1", layered]);
    expect(second.stderr).toBe("");
    expect(second.exitCode).toBe(0);
  });

  test("reads etc/kubeadm.yml.tmpl, env and labels from the image's layers", async () => {
    const result = await runLade(["--root", root, "render", "kubeadm", "sealer-style:v1.22.17", "-f", CLUSTERFILE, "--role", "master0"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(golden("sealer-image-v1.22.17-master0.yaml"));
  });

  test("applies whiteouts: a file a later layer deleted is gone, a later layer's file is read", async () => {
    const result = await runLade(["--root", root, "render", "kubeadm", "layered:1", "--role", "master0"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("clusterName: layered\n");
    expect(result.stdout).not.toContain("enable-admission-plugins");
  });

  test("an unknown image (and no such folder) fails", async () => {
    const result = await runLade(["--root", root, "render", "kubeadm", "nothere:1"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`lade: error: Cannot find "nothere:1": it is neither a folder nor an image in the store at "${root}"\nhint: lade images lists the store; lade pull or lade load brings an image in (or give --root for another store)\n`);
  });
});

describe("lade render kubeadm errors", () => {
  test.each([
    [["--role", "worker"], 'lade: error: --role must be one of master0, master, node, not "worker"\n'],
    [["--node", "host-1"], 'lade: error: --node needs an IP address, not "host-1"\n'],
    [["-f", "/nonexistent/Clusterfile"], 'lade: error: Cannot read the Clusterfile "/nonexistent/Clusterfile": no such file\n'],
    [["--nodes", "10.0.0.1"], 'lade: error: Unknown option "--nodes" for "lade render kubeadm": run "lade render kubeadm --help"\n'],
  ])("%j is a usage error (exit 2)", async (args, stderr) => {
    const result = await runLade(["render", "kubeadm", CONTEXT, ...args]);
    expect(result.stderr).toBe(stderr);
    expect(result.exitCode).toBe(2);
  });

  test("a mistake in the Clusterfile prints at its file:line:column and exits 1", async () => {
    const dir = tempDir();
    const clusterfile = join(dir, "Clusterfile");
    await Bun.write(clusterfile, "apiVersion: sealer.io/v2\nkind: Cluster\nspec:\n  hosts:\n    - ips: [10.0.0.2]\n      rols: [master]\n");
    const result = await runLade(["render", "kubeadm", CONTEXT, "-f", clusterfile]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`lade: error: ${clusterfile}:6:7: Unknown field "spec.hosts[0].rols" in sealer.io/v2 Cluster\n`);
  });

  test("a --node and --role that do not match the Clusterfile fail with exit 1", async () => {
    const result = await runLade(["render", "kubeadm", CONTEXT, "-f", CLUSTERFILE, "--role", "master", "--node", "192.168.10.5"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`lade: error: --node 192.168.10.5 is not a master in ${CLUSTERFILE}\n`);
  });

  test("warnings go to stderr, the config to stdout", async () => {
    const dir = tempDir();
    const clusterfile = join(dir, "Clusterfile");
    await Bun.write(clusterfile, `${readFileSync(CLUSTERFILE, "utf8")}---\napiVersion: kubeadm.k8s.io/v1beta2\nkind: ResetConfiguration\n`);
    const result = await runLade(["render", "kubeadm", CONTEXT, "-f", clusterfile, "--role", "master0"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(`warning: ${clusterfile}:49:7: kubeadm.k8s.io/v1beta2 ResetConfiguration is not part of the kubeadm config lade writes: it is left out\n`);
    expect(result.stdout).toBe(golden("sealer-image-v1.22.17-master0.yaml"));
  });
});
