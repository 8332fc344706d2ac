import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { hasUmoci, umociUnpackManifest } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasUmoci();

/**
 * sealer's images/ folder: offline archives written by skopeo (an independent tool) as docker save
 * (docker-archive) and OCI layout (oci-archive) tars, compressed with gzip and zstd, loaded into the
 * image's registry and checked by serving it with a real registry.
 */
describe.skipIf(!available)("image archives in images/ are loaded into the image's registry", () => {
  let origin: DockerRegistry;
  const archives = tempDir("lade-archives-");

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "team/app:1", { platforms: ["linux/amd64"], layerSizes: [3000] }),
      seedImage(origin, "team/multi:1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [2000] }),
    ]);
    await skopeo(["copy", "--quiet", "--src-tls-verify=false", `docker://${origin.host}/team/app:1`, `docker-archive:${join(archives, "app.tar")}:team/app:1`]);
    await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${origin.host}/team/multi:1`, `oci-archive:${join(archives, "multi.tar")}:docker.io/team/multi:1`]);
    writeFileSync(join(archives, "app.tar.gz"), Bun.gzipSync(readFileSync(join(archives, "app.tar"))));
    writeFileSync(join(archives, "multi.tar.zst"), Bun.zstdCompressSync(readFileSync(join(archives, "multi.tar"))));
  });

  afterAll(async () => {
    await origin?.stop();
  });

  test("docker save and OCI archives, gzip and zstd: every platform they hold, served as a registry serves them", async () => {
    const context = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY app.tar.gz images/\nCOPY multi.tar.zst images/\nCOPY registry.tar images/\nCOPY notes.txt images/\n",
      "registry.tar": "a registry image sealer would run\n",
      "notes.txt": "not an archive\n",
    });
    for (const name of ["app.tar.gz", "multi.tar.zst"]) writeFileSync(join(context, name), readFileSync(join(archives, name)));
    const root = tempDir();
    const report = join(tempDir(), "report.json");
    const built = await runLade(["--root", root, "build", "-t", "archived:1", "--platform", "linux/amd64,linux/arm64", "--report", report, context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain("Loaded docker.io/team/app:1 from images/app.tar.gz");
    expect(built.stderr).toContain("Loaded docker.io/team/multi:1 from images/multi.tar.zst");
    expect(built.stderr).toContain("images/registry.tar: sealer's registry container image, not loaded: lade serves the cluster's registry itself");
    // the amd64-only image is reported like any mirrored image that lacks a platform
    expect(built.stderr).toContain("docker.io/team/app:1 has no linux/arm64");
    const findings = JSON.parse(await Bun.file(report).text()).findings as string[];
    expect(findings.some((finding) => finding.startsWith("images/notes.txt: lade loads image archives from images/"))).toBe(true);
    expect(findings.some((finding) => finding.startsWith("images/registry.tar: sealer's registry container image"))).toBe(true);

    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "archived:1", "--json"])).stdout);
    const arm = inspected.platforms[1];
    expect(arm.containerImages.map((image: { image: string }) => image.image).sort()).toEqual(["docker.io/team/app:1", "docker.io/team/multi:1", "docker.io/team/multi:1"]);

    const rootfs = await umociUnpackManifest(root, arm.digest, join(tempDir(), "bundle"));
    const served = await startDockerRegistry({ rootDirectory: join(rootfs, "registry") });
    try {
      // the OCI archive's index is kept byte for byte: the same digest as upstream, both platforms pullable
      const original = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/team/multi:1`]);
      expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/team/multi:1`])).toBe(original);
      for (const arch of ["amd64", "arm64"]) {
        await skopeo(["copy", "--quiet", "--override-arch", arch, "--src-tls-verify=false", `docker://${served.host}/team/multi:1`, `oci:${tempDir()}:x`]);
      }
      // the docker save image: its layers and config as saved, pullable
      const app = JSON.parse(await skopeo(["inspect", "--tls-verify=false", `docker://${served.host}/team/app:1`]));
      const upstream = JSON.parse(await skopeo(["inspect", "--tls-verify=false", `docker://${origin.host}/team/app:1`]));
      expect(app.Architecture).toBe("amd64");
      expect(JSON.parse(await skopeo(["inspect", "--config", "--tls-verify=false", `docker://${served.host}/team/app:1`])).rootfs).toEqual(
        JSON.parse(await skopeo(["inspect", "--config", "--tls-verify=false", `docker://${origin.host}/team/app:1`])).rootfs,
      );
      expect(upstream.Architecture).toBe("amd64");
      await skopeo(["copy", "--quiet", "--src-tls-verify=false", `docker://${served.host}/team/app:1`, `oci:${tempDir()}:x`]);
    } finally {
      await served.stop();
    }
  });

  test("a damaged archive fails the build naming it, and tags nothing", async () => {
    const good = readFileSync(join(archives, "multi.tar"));
    const damaged = Buffer.from(good);
    // flip bytes in the middle of the archive, inside a blob's content
    for (let index = Math.floor(good.length / 2); index < Math.floor(good.length / 2) + 64; index++) damaged[index] = damaged[index]! ^ 0xff;
    const context = writeTree(join(tempDir(), "ctx"), { Kubefile: "FROM scratch\nCOPY multi.tar images/\n" });
    writeFileSync(join(context, "multi.tar"), damaged);
    const root = tempDir();
    const built = await runLade(["--root", root, "build", "-t", "damaged:1", context]);
    expect(built.exitCode).not.toBe(0);
    expect(built.stderr).toMatch(/images\/multi\.tar: (the blob sha256:[0-9a-f]{64} does not match its digest: the archive is damaged|cannot unpack it)/);
    expect((await runLade(["--root", root, "images"])).stdout).not.toContain("damaged");
  });
});
