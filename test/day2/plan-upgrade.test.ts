import { describe, expect, test } from "bun:test";
import { planUpgrade } from "../../src/day2/plan-upgrade.ts";
import { upgradePathProblem } from "../../src/day2/upgrade-path.ts";
import type { ClusterHostTarget } from "../../src/run/plan-hosts.ts";

const host = (ip: string, role: ClusterHostTarget["role"]): ClusterHostTarget => ({
  ip,
  role,
  ssh: { address: ip, user: "root", port: 22, knownHosts: "/k", acceptNewHostKeys: false },
});

describe("upgradePathProblem", () => {
  test("a patch or the next minor is allowed", () => {
    expect(upgradePathProblem("v1.27.3", "v1.27.16")).toBeUndefined();
    expect(upgradePathProblem("v1.27.3", "v1.28.0")).toBeUndefined();
    expect(upgradePathProblem("1.27.3", "v1.28.15+lade.1")).toBeUndefined();
  });
  test("the same, an older, a skipped minor, another major: each refused saying why", () => {
    expect(upgradePathProblem("v1.27.3", "v1.27.3")).toBe("the cluster runs v1.27.3 already: nothing to upgrade");
    expect(upgradePathProblem("v1.28.1", "v1.27.9")).toBe("the image holds v1.27.9, older than the installed v1.28.1: kubeadm upgrades forward only");
    expect(upgradePathProblem("v1.26.0", "v1.29.2")).toBe(
      "v1.26.0 → v1.29.2 skips v1.27, v1.28: kubeadm upgrades one minor at a time. Upgrade to an image of v1.27.16, then v1.28.15 first " +
        "(lade rootfs --k8s-version v1.27.16, lade build, lade upgrade), then to v1.29.2",
    );
    expect(upgradePathProblem("v1.30.0", "v2.0.0")).toBe("v1.30.0 → v2.0.0 changes the major version: kubeadm cannot do that");
    expect(upgradePathProblem("latest", "v1.28.0")).toBe('the installed Kubernetes version "latest" is not vMAJOR.MINOR.PATCH');
  });
});

describe("planUpgrade", () => {
  const hosts = [host("10.0.0.1", "master0"), host("10.0.0.2", "master"), host("10.0.0.3", "node")];
  const plan = (force: boolean) => planUpgrade({ dataDir: "/d", hostDir: "/h", hosts, registryHosts: ["10.0.0.1", "10.0.0.2"], version: "v1.28.15", drainTimeoutSeconds: 90, force });

  test("master0's control plane first, then the other masters, then the nodes, one at a time, each step in kubeadm's order", () => {
    const phases = plan(false);
    expect(phases.map((phase) => [phase.name, phase.parallel, phase.lanes.map((lane) => lane.host)])).toEqual([
      ["check the hosts", true, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]],
      ["copy the new rootfs", true, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]],
      ["upgrade the control plane on master0 (10.0.0.1) to v1.28.15", false, ["10.0.0.1"]],
      ["upgrade the other masters, one at a time", false, ["10.0.0.2"]],
      ["upgrade the nodes, one at a time", false, ["10.0.0.3"]],
    ]);
    const ids = (index: number) => phases[index]!.lanes.map((lane) => lane.steps.map((step) => step.id));
    expect(phases[0]!.lanes.every((lane) => lane.record === false)).toBe(true);
    expect(ids(1)[0]).toEqual(["copy-rootfs", "render-templates"]);
    expect(ids(2)).toEqual([["upgrade-kubeadm", "upgrade-plan", "upgrade-apply", "drain", "init-node", "restart-kubelet", "uncordon"]]);
    expect(ids(3)).toEqual([["upgrade-kubeadm", "upgrade-node", "drain", "init-node", "restart-kubelet", "uncordon"]]);
    expect(ids(4)).toEqual([["upgrade-kubeadm", "upgrade-node", "drain", "init-node", "restart-kubelet", "uncordon"]]);
  });

  test("drains run on master0 with the timeout (and --force when asked); init.sh keeps each host's registry settings", () => {
    const script = (force: boolean, phase: number, step: string) => {
      const found = plan(force)[phase]!.lanes[0]!.steps.find((candidate) => candidate.id === step)!;
      return found.commands[0]!;
    };
    const drain = script(false, 4, "drain");
    expect(drain.at(-3)).toBe("root@10.0.0.1");
    expect(drain.at(-1)).toContain("drain \"$name\" --ignore-daemonsets --delete-emptydir-data --timeout=90s");
    expect(drain.at(-1)).not.toContain("--force");
    expect(script(true, 4, "drain").at(-1)).toContain("--timeout=90s --force");
    // the second master runs a registry too: its own, the first as a mirror
    expect(script(false, 3, "init-node").at(-1)).toContain("LADE_REGISTRY_IP=10.0.0.2 LADE_WITH_REGISTRY=1 LADE_REGISTRY_MIRRORS=10.0.0.1 LADE_REGISTRY_PEERS=10.0.0.1");
    expect(script(false, 4, "init-node").at(-1)).toContain('if [ -f "$D/registry-ca.crt" ]; then export LADE_REGISTRY_CA="$D/registry-ca.crt"; fi;');
  });
});
