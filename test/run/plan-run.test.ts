import { describe, expect, test } from "bun:test";
import { registryOf } from "../../src/run/plan-hosts.ts";
import { choosePlatform, planDelete, planRun } from "../../src/run/plan-run.ts";

describe("planRun", () => {
  test("picks the platform of this machine's architecture, or says which the image has", () => {
    const platforms = [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64", variant: "v8" }];
    expect(choosePlatform(platforms, { os: "linux", architecture: "arm64" })).toEqual(platforms[1]!);
    expect(choosePlatform(platforms, { os: "linux", architecture: "riscv64" })).toBe(
      "The image has no linux/riscv64 platform for this machine: it has linux/amd64, linux/arm64/v8",
    );
    expect(choosePlatform(platforms, { os: "darwin", architecture: "arm64" })).toContain("Linux only");
  });

  test("launches helm apps offline, shell apps with bash, and CMDS instead of apps", () => {
    const base = { dataDir: "/d", rootfs: "/d/rootfs", ladeCommand: ["/usr/bin/lade"] };
    const applications = [
      { name: "db", type: "helm" as const, files: [], version: "v1" as const },
      { name: "setup", type: "shell" as const, files: ["a.sh"], version: "v1" as const },
    ];
    const steps = planRun({ ...base, applications, launch: { app_names: ["db", "setup"] } });
    expect(steps.map((step) => step.id)).toEqual([
      "check-host", "unpack-rootfs", "render-templates", "kubeadm-config", "init-node", "kubeadm-init", "launch-db", "launch-setup",
    ]);
    expect(steps[6]!.commands).toEqual([["bash", "-c", "set -o pipefail; /usr/bin/lade render chart /d/rootfs/application/apps/db --name db --include-crds | kubectl apply -f -"]]);
    expect(steps[6]!.helmApp).toBe("db");
    const versioned = planRun({ ...base, kubeVersion: "v1.27.3", applications, launch: { app_names: ["db"] } });
    expect(versioned.at(-1)!.commands[0]![2]).toContain("--include-crds --kube-version v1.27.3 |");
    expect(steps[7]!.commands).toEqual([["bash", "/d/rootfs/application/apps/setup/a.sh"]]);
    const cmds = planRun({ ...base, applications, launch: { cmds: ["kubectl apply -f manifests/cni.yaml"] } });
    expect(cmds.at(-1)).toMatchObject({ id: "launch-cmds", commands: [["bash", "-c", "kubectl apply -f manifests/cni.yaml"]], cwd: "/d/rootfs" });
    expect(planDelete("/d").map((step) => step.id)).toEqual(["kubeadm-reset", "clean-node", "remove-data-dir"]);
  });
});

describe("registry hosts", () => {
  test("a registry host pulls from itself; the other hosts are spread over the registry hosts in turn", () => {
    const host = (ip: string) => ({ ip, role: "node" as const, ssh: { address: ip, user: "root", port: 22, knownHosts: "/k", acceptNewHostKeys: false } });
    const hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"].map(host);
    expect([...registryOf(hosts, ["10.0.0.1", "10.0.0.2"])]).toEqual([
      ["10.0.0.1", "10.0.0.1"],
      ["10.0.0.2", "10.0.0.2"],
      ["10.0.0.3", "10.0.0.1"],
      ["10.0.0.4", "10.0.0.2"],
      ["10.0.0.5", "10.0.0.1"],
    ]);
  });
});
