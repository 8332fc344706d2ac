import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { CALICO_LIKE } from "./rootfs-fixtures.ts";

const base = ["rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--skip-binaries", "--cni-manifest", CALICO_LIKE];

describe("lade rootfs (command line)", () => {
  test.each([
    ['Option "--k8s-version" is required', ["rootfs", "--cri", "containerd", "-o", "x"]],
    ['Option "--cri" is required: containerd or docker', ["rootfs", "--k8s-version", "v1.27.3", "-o", "x"]],
    ['Unknown container runtime "podman": use containerd or docker', [...base, "--cri", "podman", "-o", "x"]],
    ['Unknown architecture "s390x": use amd64, arm64', [...base, "--arch", "amd64,s390x", "-o", "x"]],
    ['Unknown CNI "flannel": use calico or none', [...base, "--cni", "flannel", "-o", "x"]],
    ['Registry port "70000" is not a port number', [...base, "--registry-port", "70000", "-o", "x"]],
    ['Registry domain "bad_name!" is not a host name', [...base, "--registry-domain", "bad_name!", "-o", "x"]],
    ['"--cni-manifest" needs a CNI: --cni calico', [...base, "--cni", "none", "-o", "x"]],
    ["--registry-password-stdin", [...base, "--registry-user", "admin", "-o", "x"]],
    ["Kubernetes v1.15.3 is not supported: lade knows v1.16.0 … v1.36.3", ["rootfs", "--k8s-version", "v1.15.3", "--cri", "docker", "-o", "x"]],
    ["the newest v1.36 patch lade knows is v1.36.3", ["rootfs", "--k8s-version", "v1.36.4", "--cri", "docker", "-o", "x"]],
  ] as const)("usage error: %s", async (message, args) => {
    const result = await runLade([...args]);
    expect(result.stderr).toContain(message);
    expect(result.exitCode).toBe(2);
  });

  test("refuses a folder that holds something else", async () => {
    const out = tempDir();
    writeFileSync(join(out, "mine.txt"), "x");
    const result = await runLade([...base, "-o", out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("is not empty and not an earlier output of lade rootfs");
  });

  test("protects the registry with a user whose password comes from stdin", async () => {
    const out = join(tempDir(), "ctx");
    const result = await runLade([...base, "--registry-user", "admin", "--registry-password-stdin", "-o", out], { stdin: "s3cret\n" });
    expect(result.exitCode, result.stderr).toBe(0);
    const line = readFileSync(join(out, "rootfs/etc/registry/htpasswd"), "utf8").trim();
    expect(await Bun.password.verify("s3cret", line.slice("admin:".length))).toBe(true);
  });

  test("--help lists the options", async () => {
    const result = await runLade(["rootfs", "--help"]);
    expect(result.exitCode).toBe(0);
    for (const option of ["--k8s-version", "--cri", "--arch", "--cni", "--cni-manifest", "--registry-domain", "--registry-port", "--bin-source", "--skip-binaries", "--output"]) {
      expect(result.stdout + result.stderr).toContain(option);
    }
  });
});
