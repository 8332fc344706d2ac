import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { hasUmoci, umociUnpackManifest } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasUmoci();

describe.skipIf(!available)("lade build mirrors the container images the image needs", () => {
  let origin: DockerRegistry;

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "calico/node:v3", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [2_000_000, 3000] }),
      seedImage(origin, "library/pause:3.9", { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [500] }),
      seedImage(origin, "extra/tool:1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [700] }),
    ]);
  });

  afterAll(async () => {
    await origin?.stop();
  });

  function context(): string {
    return writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\nCOPY app.yaml manifests/\n",
      imageList: `# cluster images\n${origin.host}/calico/node:v3\n${origin.host}/library/pause:3.9\n`,
      "app.yaml": "kind: Pod\n",
    });
  }

  async function build(root: string, ctx: string, ...extra: string[]) {
    const result = await runLade(["--root", root, "build", "-t", "cluster:1", "--platform", "linux/amd64,linux/arm64", ...extra, ctx]);
    if (result.exitCode !== 0) throw new Error(`build failed: ${result.stderr}`);
    return result;
  }

  test("packs every image for every platform into registry/, served as-is by a real registry", async () => {
    const root = tempDir();
    const list = join(tempDir(), "more.txt");
    await Bun.write(list, `${origin.host}/extra/tool:1\n`);
    await build(root, context(), "--image-list", list);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "cluster:1", "--json"])).stdout);
    const [amd, arm] = inspected.platforms;
    // the registry layers are the same for both platforms, so a mixed-arch cluster is served fully
    expect(amd.layers.slice(2)).toEqual(arm.layers.slice(2));
    const blobLayers = amd.layers.filter((layer: { mediaType: string }) => layer.mediaType === "application/vnd.oci.image.layer.v1.tar");
    expect(blobLayers.length).toBe(2); // the 2 MB layer of calico/node, once per architecture
    expect(amd.containerImages.map((image: { image: string }) => image.image).sort()).toEqual(
      [`${origin.host}/calico/node:v3`, `${origin.host}/calico/node:v3`, `${origin.host}/extra/tool:1`, `${origin.host}/extra/tool:1`, `${origin.host}/library/pause:3.9`, `${origin.host}/library/pause:3.9`],
    );

    const rootfs = await umociUnpackManifest(root, arm.digest, join(tempDir(), "bundle"));
    const served = await startDockerRegistry({ rootDirectory: join(rootfs, "registry") });
    try {
      for (const name of ["calico/node:v3", "library/pause:3.9", "extra/tool:1"]) {
        const original = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
        expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/${name}`])).toBe(original);
        await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${served.host}/${name}`, `oci:${tempDir()}:x`]);
      }
    } finally {
      await served.stop();
    }
  });

  test("reuses the registry layers on a rebuild, and builds FROM it offline", async () => {
    const root = tempDir();
    const ctx = context();
    const first = await build(root, ctx);
    const again = await build(root, ctx);
    expect(again.stdout.trim().split("\n").at(-1)).toBe(first.stdout.trim().split("\n").at(-1));
    expect(again.stderr.match(/Using cache/g)?.length).toBe(2 * 2 + 3);

    // a child image inherits manifests/imageList; the images are in the base's registry already,
    // so the child builds with the origin registry gone
    await origin.stop();
    try {
      const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM cluster:1\nLABEL child=yes\n" });
      const result = await runLade(["--root", root, "build", "-t", "child:1", "--platform", "linux/amd64,linux/arm64", child]);
      expect(result.stderr).not.toContain("Mirroring");
      expect(result.exitCode).toBe(0);
    } finally {
      origin = await startDockerRegistry({ rootDirectory: origin.storage });
    }
  });

  test("prune keeps the cached container blobs a tagged image carries, and drops them with the image", async () => {
    const root = tempDir();
    await build(root, context());
    const cached = () => readdirSync(join(root, "cache/blobs/sha256")).length;
    const before = cached();
    expect(before).toBeGreaterThan(0);
    expect((await runLade(["--root", root, "prune"])).exitCode).toBe(0);
    expect(cached()).toBe(before);
    expect((await runLade(["--root", root, "rmi", "cluster:1"])).exitCode).toBe(0);
    expect((await runLade(["--root", root, "prune"])).exitCode).toBe(0);
    expect(cached()).toBe(0);
    expect(readdirSync(join(root, "blobs/sha256"))).toEqual([]);
  });

  test("discovers images in manifests and apps, records provenance, and honours --ignore-image and --include-candidates", async () => {
    const root = tempDir();
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY manifests manifests\nAPP web local://web\n",
      "manifests/pause.yaml": `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: p, image: "${origin.host}/library/pause:3.9"}]\n`,
      "web/deploy.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ${origin.host}/calico/node:v3\n        env: [{name: TOOL, value: "${origin.host}/extra/tool:1"}]\n`,
    });
    const report = join(tempDir(), "report.json");
    const result = await runLade(["--root", root, "build", "-t", "disc:1", "--report", report, "--ignore-image", "*/library/pause*", ctx]);
    expect(result.exitCode).toBe(0);
    const written = await Bun.file(report).json();
    expect(written.images.map((entry: { image: string }) => entry.image)).toEqual([`${origin.host}/calico/node:v3`]);
    expect(written.images[0].sources[0]).toEqual({ file: "application/apps/web/deploy.yaml", document: 0, kind: "Deployment", name: "web", path: "spec.template.spec.containers[0].image", line: 9, rule: "pod-spec" });
    expect(written.candidates.map((entry: { image: string }) => entry.image)).toEqual([`${origin.host}/extra/tool:1`]);
    expect(written.mirrored.map((entry: { repository: string }) => entry.repository)).toEqual(["calico/node"]);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "disc:1", "--json"])).stdout);
    expect(inspected.platforms[0].containerImages).toEqual([{ image: `${origin.host}/calico/node:v3`, appName: "web", platform: { architecture: "amd64", os: "linux" } }]);

    const withCandidates = await runLade(["--root", root, "build", "-t", "disc:2", "--report", report, "--include-candidates", ctx]);
    expect(withCandidates.exitCode).toBe(0);
    expect((await Bun.file(report).json()).mirrored.map((entry: { repository: string }) => entry.repository).sort()).toEqual(["calico/node", "extra/tool", "library/pause"]);
  });

  test("renders Helm charts in charts/ and mirrors what they run (with --registry-mirror for quay.io)", async () => {
    await seedImage(origin, "acme/app:1.0", { layerSizes: [1000] });
    const root = tempDir();
    const ctx = join(tempDir(), "ctx");
    cpSync(join(import.meta.dir, "..", "fixtures", "scan", "app"), join(ctx, "app"), { recursive: true });
    // charts render for the image's Kubernetes version: on 1.27 the chart leaves out its 1.28+ helper
    writeTree(ctx, { Kubefile: "FROM scratch\nLABEL cluster.alpha.sealer.io/cluster-runtime-version=v1.27.3\nCOPY app charts/app\n" });
    const report = join(tempDir(), "report.json");
    const result = await runLade(["--root", root, "build", "-t", "charted:1", "--report", report, "--registry-mirror", `quay.io=${origin.host}`, ctx]);
    expect(result.exitCode).toBe(0);
    const written = await Bun.file(report).json();
    expect(written.images.map((entry: { image: string }) => entry.image)).toEqual(["quay.io/acme/app:1.0"]);
    expect(written.images[0].sources[0].file).toBe("charts/app/templates/deployment.yaml");
    expect(written.mirrored).toEqual([
      { image: "quay.io/acme/app:1.0", repository: "acme/app", digest: expect.stringMatching(/^sha256:/), platforms: ["linux/amd64"], missingPlatforms: [] },
    ]);
    expect(written.candidates.map((entry: { image: string }) => entry.image)).toContain("docker.io/library/postgres:16");
  });

  test("fails naming the image when one cannot be fetched, and tags nothing", async () => {
    const root = tempDir();
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\n",
      imageList: `${origin.host}/library/pause:3.9\n${origin.host}/missing/image:1\n`,
    });
    const result = await runLade(["--root", root, "build", "-t", "broken:1", ctx]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Cannot mirror ${origin.host}/missing/image:1`);
    expect(JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout)).toEqual([]);
    const skipping = await runLade(["--root", root, "build", "-t", "partial:1", "--skip-missing", ctx]);
    // done, but partial: the image is tagged, and the exit status says something was left out
    expect(skipping.exitCode).toBe(3);
    expect(skipping.stderr).toContain(`Skipped ${origin.host}/missing/image:1`);
    expect(skipping.stderr).toContain("lade: partial: 1 container image was left out of the image (--skip-missing) (exit status 3)");
    expect(JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout).map((image: { name: string }) => image.name)).toEqual(["docker.io/library/partial:1"]);
  });
});
