import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { copyWithinRegistry, hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { fakeBinSource } from "../rootfs/fake-bin-source.ts";
import { KUBEADM_V1_27_3_IMAGES, plan } from "../rootfs/rootfs-fixtures.ts";

/**
 * scripts/e2e-real.sh, the check users run on a real VM, in --dry-run here: it makes the base
 * image for real (lade rootfs from a mirror folder, lade build from a registry standing in for
 * registry.k8s.io), has lade run print its plan, and shows every command it would run after.
 */
const SCRIPT = join(import.meta.dir, "..", "..", "scripts", "e2e-real.sh");
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const ARCH = process.arch === "arm64" ? "arm64" : "amd64";

describe.skipIf(!hasDockerRegistry() || !hasSkopeo())("scripts/e2e-real.sh --dry-run", () => {
  let origin: DockerRegistry;
  const work = tempDir("lade-e2e-real-");
  const lade = join(work, "lade");

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await seedImage(origin, "seed/base:1", { platforms: [`linux/${ARCH}`], layerSizes: [1000] });
    await copyWithinRegistry(origin.host, "seed/base:1", KUBEADM_V1_27_3_IMAGES);
    writeFileSync(lade, `#!/bin/sh\nexec ${process.execPath} ${MAIN} "$@"\n`, { mode: 0o755 });
  }, 60_000);

  afterAll(async () => {
    await origin?.stop();
  });

  test("makes and builds the base for real, shows lade run's plan and every command after it, and passes", async () => {
    const binSource = await fakeBinSource(plan("v1.27.3", "containerd", [ARCH]), [ARCH]);
    const runDir = join(work, "run");
    const child = Bun.spawn(
      ["bash", SCRIPT, "--dry-run", "--cni", "none", "--bin-source", binSource, "--registry-mirror", `registry.k8s.io=${origin.host}`, "--lade", lade, "--work", runDir],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } },
    );
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect(code, stderr).toBe(0);
    const store = join(runDir, "store");
    // the image is real
    const images = await runLade(["--root", store, "images"]);
    expect(images.stdout).toContain("e2e/cluster");
    // lade run's own plan, then the checks a real cluster gets
    expect(stdout).toContain("kubeadm init");
    const kubectl = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
    const shown = stdout.split("\n").filter((line) => line.startsWith("+ "));
    expect(shown).toEqual([
      `+ wait until the node is Ready: node_ready`,
      `+ wait until CoreDNS is Running: coredns_running`,
      `+ ${kubectl} run lade-e2e --image=registry.k8s.io/pause:3.9 --restart=Never`,
      `+ wait until the pod runs: pod_running`,
      `+ ${kubectl} delete pod lade-e2e --wait=true`,
      `+ ${lade} --root ${store} delete`,
      "+ test ! -e /etc/kubernetes",
      "+ test ! -e /var/lib/kubelet",
      "+ test ! -e /etc/systemd/system/kubelet.service",
      "+ ! pgrep -x kubelet",
      "+ ! pgrep -x kube-apiserver",
      "+ ! pgrep -f lade-registry",
      "+ ! ip link show cni0",
      "+ ! iptables -S | grep -q KUBE-",
    ]);
    expect(stderr).toContain("e2e-real: passed (v1.27.3, containerd, dry run)");
  }, 120_000);

  test("shellcheck finds nothing in it", () => {
    const checked = Bun.spawnSync(["shellcheck", SCRIPT], { stdout: "pipe", stderr: "pipe" });
    expect(checked.exitCode, checked.stdout.toString()).toBe(0);
  });

  test("an unknown argument is a usage error that shows the usage", async () => {
    const child = Bun.spawn(["bash", SCRIPT, "--frobnicate"], { stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain("e2e-real: unknown argument --frobnicate");
    expect(stderr).toContain("scripts/e2e-real.sh [--k8s-version v1.27.3]");
  });
});
