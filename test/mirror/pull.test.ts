import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

describe.skipIf(!(hasDockerRegistry() && hasSkopeo()))("lade pull, FROM a registry, --registry-mirror", () => {
  let registry: DockerRegistry;
  let clusterDigest: string;
  const sourceRoot = tempDir();

  beforeAll(async () => {
    registry = await startDockerRegistry();
    // a cluster image built by lade, pushed with skopeo (lade push comes with the distribution work)
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: 'FROM scratch\nCOPY app.yaml manifests/\nENV TIER=base\nAPP app local://app.yaml\nLAUNCH ["app"]\n',
      "app.yaml": "kind: Pod\n",
    });
    const built = await runLade(["--root", sourceRoot, "build", "-q", "-t", "base:1", "--platform", "linux/amd64,linux/arm64", ctx]);
    clusterDigest = built.stdout.trim();
    await skopeo(["copy", "--quiet", "--all", "--dest-tls-verify=false", `oci:${sourceRoot}:docker.io/library/base:1`, `docker://${registry.host}/cluster/base:1`]);
    await seedImage(registry, "library/busybox:1.36", { platforms: ["linux/amd64", "linux/arm64"] });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test("pulls every platform with the same digest, and --platform keeps a smaller index", async () => {
    const root = tempDir();
    const pulled = await runLade(["--root", root, "pull", `${registry.host}/cluster/base:1`]);
    expect(pulled.exitCode).toBe(0);
    expect(pulled.stdout.trim().split("\n").at(-1)).toBe(clusterDigest);
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", `${registry.host}/cluster/base:1`, "--json"])).stdout);
    expect(inspected.platforms.map((p: { platform: string }) => p.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    expect(inspected.platforms[0].applications[0].name).toBe("app");

    const narrow = tempDir();
    const arm = await runLade(["--root", narrow, "pull", "--platform", "linux/arm64", `${registry.host}/cluster/base:1`]);
    expect(arm.exitCode).toBe(0);
    const armOnly = JSON.parse((await runLade(["--root", narrow, "inspect", `${registry.host}/cluster/base:1`, "--json"])).stdout);
    expect(armOnly.platforms.map((p: { platform: string }) => p.platform)).toEqual(["linux/arm64"]);
    expect((await runLade(["--root", narrow, "fsck"])).exitCode).toBe(0);
  });

  test("a build FROM an image that is only in a registry pulls it first", async () => {
    const root = tempDir();
    const child = writeTree(join(tempDir(), "child"), { Kubefile: `FROM ${registry.host}/cluster/base:1\nLABEL child=yes\n` });
    const result = await runLade(["--root", root, "build", "-t", "child:1", "--platform", "linux/amd64,linux/arm64", child]);
    expect(result.exitCode).toBe(0);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "child:1", "--json"])).stdout);
    expect(inspected.platforms[1].env).toEqual({ TIER: "base" });
    const images = JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout).map((i: { name: string }) => i.name);
    expect(images).toContain(`${registry.host}/cluster/base:1`);
  });

  test("--registry-mirror fetches docker.io images from another host and keeps their names", async () => {
    const root = tempDir();
    const dir = tempDir();
    const result = await runLade(["--root", root, "mirror", "docker.io/library/busybox:1.36", "--dir", dir, "--registry-mirror", `docker.io=${registry.host}`, "--platform", "linux/arm64", "--json"]);
    expect(result.exitCode).toBe(0);
    const [image] = JSON.parse(result.stdout).images;
    expect(image.image).toBe("docker.io/library/busybox:1.36");
    expect(image.repository).toBe("library/busybox");
    const bad = await runLade(["--root", root, "mirror", "busybox", "--dir", dir, "--registry-mirror", "docker.io"]);
    expect(bad.exitCode).toBe(2);
  });
});
