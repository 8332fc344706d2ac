import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { UnusedFilesError } from "../../src/builder/build-image.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { generateContext, plan } from "../rootfs/rootfs-fixtures.ts";
import { buildFixture } from "../support/build-fixture.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, umociUnpack } from "../support/unpack-image.ts";
import { writeTree, type TreeSpec } from "../support/write-tree.ts";

/**
 * Child images written the way sealer's docs write theirs, FROM a base lade generated: each sealer
 * file must take effect where the node scripts read it, and anything lade does not use is loud.
 */
const SEALER_DAEMON_JSON = `{
  "max-concurrent-downloads": 20,
  "log-driver": "json-file",
  "log-opts": { "max-size": "100m", "max-file": "3" },
  "mirror-registries": [{ "domain": "*", "mirrors": ["https://sea.hub:5000"] }],
  "exec-opts": ["native.cgroupdriver=systemd"],
  "data-root": "/data/docker"
}
`;
const DUMP_CONFIG = `version = 2
root = "/data/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "sea.hub:5000/pause:3.9"
  max_container_log_line_size = 65536
`;
const KUBELET_SERVICE = "[Unit]\nDescription=kubelet from the sealer context\n[Service]\nExecStart=/usr/bin/kubelet --v=4\n[Install]\nWantedBy=multi-user.target\n";
const KUBEADM_YML = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking:
  podSubnet: 100.64.0.0/10
`;

const storeRoot = tempDir("lade-sealer-child-");

beforeAll(async () => {
  for (const runtime of ["containerd", "docker"] as const) {
    const { dir } = await generateContext(plan("v1.27.3", runtime, ["amd64"]));
    await buildFixture(storeRoot, dir, { tag: `base-${runtime}:1`, buildArgs: { ARCH: "amd64" } });
  }
});

function child(base: string, spec: TreeSpec) {
  return writeTree(join(tempDir(), "child"), { Kubefile: `FROM ${base}\n${spec.Kubefile as string}`, ...Object.fromEntries(Object.entries(spec).filter(([name]) => name !== "Kubefile")) });
}

async function unpack(tag: string) {
  return describeTree(await umociUnpack(storeRoot, `docker.io/library/${tag}`, join(tempDir(), "bundle")));
}

async function inspectNodeFiles(tag: string) {
  const inspected = await runLade(["--root", storeRoot, "inspect", tag, "--json"]);
  expect(inspected.exitCode, inspected.stderr).toBe(0);
  return JSON.parse(inspected.stdout).platforms[0].nodeFiles as { role: string; from: string; how: string; over?: string[] }[];
}

describe("a sealer-style child image over a lade base", () => {
  test("containerd: dump-config.toml merged, kubelet.service copied, kubeadm.yml merged over the base's .tmpl; said by build and inspect", async () => {
    const context = child("base-containerd:1", {
      Kubefile: "COPY dump-config.toml etc/\nCOPY kubelet.service etc/\nCOPY kubeadm.yml etc/\n",
      "dump-config.toml": DUMP_CONFIG,
      "kubelet.service": KUBELET_SERVICE,
      "kubeadm.yml": KUBEADM_YML,
    });
    const built = await buildFixture(storeRoot, context, { tag: "sealer-containerd:1" });
    expect(built.logs).toContain('[node files] /etc/containerd/config.toml ← etc/dump-config.toml (merged over etc/containerd/config.toml; from "COPY dump-config.toml etc/")');
    expect(built.logs).toContain('[node files] /etc/systemd/system/kubelet.service ← etc/kubelet.service (copied; from "COPY kubelet.service etc/")');
    expect(built.findings).toEqual([]);

    const tree = await unpack("sealer-containerd:1");
    // copied byte for byte where the node scripts read it
    expect(tree["etc/systemd/kubelet.service"]).toBe(`file 644 ${KUBELET_SERVICE}`);
    // merged: the file's keys win, lade's keys it does not mention stay
    const config = Bun.TOML.parse(tree["etc/containerd/config.toml"]!.replace(/^file 644 /, "")) as Record<string, any>;
    expect(config.root).toBe("/data/containerd");
    expect(config.state).toBe("/run/containerd");
    expect(config.plugins["io.containerd.grpc.v1.cri"].max_container_log_line_size).toBe(65536);
    expect(config.plugins["io.containerd.grpc.v1.cri"].registry.config_path).toBe("/etc/containerd/certs.d");
    expect(config.plugins["io.containerd.grpc.v1.cri"].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);

    const nodeFiles = await inspectNodeFiles("sealer-containerd:1");
    expect(nodeFiles.find((file) => file.role === "containerd-config")).toMatchObject({ from: "etc/dump-config.toml", how: "merged", over: ["etc/containerd/config.toml"] });
    expect(nodeFiles.find((file) => file.role === "kubeadm-config")).toMatchObject({ from: "etc/kubeadm.yml", how: "merged", over: ["etc/kubeadm.yml.tmpl"] });
    const text = await runLade(["--root", storeRoot, "inspect", "sealer-containerd:1"]);
    expect(text.stdout).toContain("Node files:");
    expect(text.stdout).toContain("/etc/systemd/system/kubelet.service ← etc/kubelet.service (copied; COPY kubelet.service etc/)");

    // the child's kubeadm.yml takes effect over the base's template, which still gives the rest
    const kubeadm = await runLade(["--root", storeRoot, "render", "kubeadm", "sealer-containerd:1"]);
    expect(kubeadm.exitCode, kubeadm.stderr).toBe(0);
    expect(kubeadm.stdout).toContain("podSubnet: 100.64.0.0/10");
    expect(kubeadm.stdout).toContain("audit-policy-file: /etc/kubernetes/audit-policy.yml");
  });

  test("docker: sealer's daemon.json takes effect on stock docker, over lade's; a docker file on a containerd image is a warning", async () => {
    const context = child("base-docker:1", { Kubefile: "COPY daemon.json etc/\n", "daemon.json": SEALER_DAEMON_JSON });
    const built = await buildFixture(storeRoot, context, { tag: "sealer-docker:1" });
    expect(built.logs.some((line) => line.includes('"mirror-registries" is written as "registry-mirrors"'))).toBe(true);
    const tree = await unpack("sealer-docker:1");
    const daemon = JSON.parse(tree["etc/docker/daemon.json"]!.replace(/^file 644 /, ""));
    expect(daemon["mirror-registries"]).toBeUndefined();
    expect(daemon["registry-mirrors"]).toContain("https://sea.hub:5000");
    expect(daemon["data-root"]).toBe("/data/docker");
    expect(daemon["max-concurrent-downloads"]).toBe(20);
    expect(daemon["exec-opts"]).toEqual(["native.cgroupdriver=systemd"]);

    const wrong = await buildFixture(storeRoot, child("base-containerd:1", { Kubefile: "COPY daemon.json etc/\n", "daemon.json": SEALER_DAEMON_JSON }), { tag: "wrong-cri:1" });
    expect(wrong.findings).toContain("etc/daemon.json: this image's container runtime is containerd: docker's daemon.json has no effect on its nodes");
  });

  test("a typo'd file name warns with the name lade expected; --strict fails listing it and tags nothing", async () => {
    const spec = { Kubefile: "COPY deamon.json etc/\nCOPY notes.txt scripts/\n", "deamon.json": "{}\n", "notes.txt": "todo\n" };
    const warned = await buildFixture(storeRoot, child("base-docker:1", spec), { tag: "typo:1" });
    expect(warned.findings).toEqual([
      "etc/deamon.json: lade neither uses nor knows this file; did you mean etc/daemon.json (docker's daemon.json)?",
      "scripts/notes.txt: nothing lade runs calls this script (lade runs scripts/init.sh and scripts/clean.sh; call it from one of them)",
    ]);
    expect(warned.logs).toContain("warning: etc/deamon.json: lade neither uses nor knows this file; did you mean etc/daemon.json (docker's daemon.json)?");

    const before = await (await OciStore.open(storeRoot)).listImages();
    const strict = buildFixture(storeRoot, child("base-docker:1", spec), { tag: "typo-strict:1", strict: true });
    await expect(strict).rejects.toBeInstanceOf(UnusedFilesError);
    await expect(strict).rejects.toThrow("etc/deamon.json");
    expect(await (await OciStore.open(storeRoot)).listImages()).toEqual(before);
  });

  test("the CLI: warnings on stderr, --report lists the findings, --strict exits non-zero", async () => {
    const context = child("base-docker:1", { Kubefile: "COPY deamon.json etc/\n", "deamon.json": "{}\n" });
    const report = join(tempDir(), "report.json");
    const built = await runLade(["--root", storeRoot, "build", "-t", "typo-cli:1", "--ignore-image", "*", "--report", report, context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain("did you mean etc/daemon.json");
    expect(JSON.parse(await Bun.file(report).text()).findings).toEqual(["etc/deamon.json: lade neither uses nor knows this file; did you mean etc/daemon.json (docker's daemon.json)?"]);
    const strict = await runLade(["--root", storeRoot, "build", "-t", "typo-cli-strict:1", "--ignore-image", "*", "--strict", context]);
    expect(strict.exitCode).not.toBe(0);
    expect(strict.stderr).toContain("would have no effect on the nodes (--strict)");
    const listed = await runLade(["--root", storeRoot, "images"]);
    expect(listed.stdout).not.toContain("typo-cli-strict");
  });
});
