import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { installCluster } from "../../src/run/install-cluster.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { hasContainerd, startContainerd } from "../support/containerd.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startLadeRegistry } from "../support/lade-registry.ts";
import { blobFiles } from "../support/mirror-checks.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasContainerd();
const BOTH = "linux/amd64,linux/arm64";

interface RawManifest {
  readonly mediaType?: string;
  readonly manifests?: { digest: string; platform?: { architecture: string } }[];
  readonly config?: { digest: string };
  readonly layers?: { digest: string }[];
}

describe.skipIf(!available)("images that lack a requested platform", () => {
  let origin: DockerRegistry;
  const image = (name: string) => `${origin.host}/seed/${name}:v1`;
  const raw = async (reference: string) => JSON.parse(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${reference}`])) as RawManifest;

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "seed/both:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [3000, 4000] }),
      seedImage(origin, "seed/amd64-only:v1", { layerSizes: [2000] }),
      seedImage(origin, "seed/arm64-only:v1", { platforms: ["linux/arm64"], layerSizes: [2100] }),
      // an index (a Docker manifest list) with amd64 but not arm64
      seedImage(origin, "seed/no-arm64:v1", { platforms: ["linux/amd64", "linux/s390x"], dockerFormat: true, layerSizes: [2200] }),
      seedImage(origin, "seed/s390x-only:v1", { platforms: ["linux/s390x"], layerSizes: [2300] }),
    ]);
  });

  afterAll(async () => {
    await origin?.stop();
  });

  /** The digest the origin registry gives the image's tag (its top manifest or index). */
  async function topDigest(name: string): Promise<string> {
    const accept = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
    const response = await fetch(`${origin.url}/v2/seed/${name}/manifests/v1`, { method: "HEAD", headers: { Accept: accept } });
    return response.headers.get("docker-content-digest")!;
  }

  /** The manifests and blobs of an image for some architectures, read from the origin with skopeo. */
  async function expectedFiles(name: string, architectures: readonly string[]): Promise<{ manifests: string[]; blobs: string[] }> {
    const top = await raw(image(name));
    const manifests = [await topDigest(name)];
    const children: RawManifest[] = [];
    if (top.manifests) {
      for (const child of top.manifests.filter((entry) => architectures.includes(entry.platform!.architecture))) {
        manifests.push(child.digest);
        children.push(await raw(`${origin.host}/seed/${name}@${child.digest}`));
      }
    } else {
      children.push(top);
    }
    return { manifests, blobs: children.flatMap((child) => [child.config!.digest, ...child.layers!.map((layer) => layer.digest)]) };
  }

  function revisions(dir: string, name: string): string[] {
    const path = join(dir, "docker/registry/v2/repositories/seed", name, "_manifests/revisions/sha256");
    return readdirSync(path).map((hex) => `sha256:${hex}`).sort();
  }

  test("mirrors every platform each image has, and reports the gaps in a table, warnings and --json", async () => {
    const dir = tempDir();
    const names = ["both", "amd64-only", "arm64-only", "no-arm64"];
    const result = await runLade(["--root", tempDir(), "mirror", ...names.map(image), "--dir", dir, "--platform", BOTH, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.images.map((entry: { image: string; platforms: string[]; missingPlatforms: string[] }) => [entry.image, entry.platforms, entry.missingPlatforms])).toEqual([
      [image("amd64-only"), ["linux/amd64"], ["linux/arm64"]],
      [image("arm64-only"), ["linux/arm64"], ["linux/amd64"]],
      [image("both"), ["linux/amd64", "linux/arm64"], []],
      [image("no-arm64"), ["linux/amd64"], ["linux/arm64"]],
    ]);
    expect(summary.platformCoverage.requested).toEqual(["linux/amd64", "linux/arm64"]);
    expect(summary.platformCoverage.images.map((entry: { platforms: Record<string, boolean> }) => entry.platforms)).toEqual([
      { "linux/amd64": true, "linux/arm64": false },
      { "linux/amd64": false, "linux/arm64": true },
      { "linux/amd64": true, "linux/arm64": true },
      { "linux/amd64": true, "linux/arm64": false },
    ]);
    expect(summary.platformCoverage.gaps).toEqual([
      { image: image("amd64-only"), missing: ["linux/arm64"], available: ["linux/amd64"] },
      { image: image("arm64-only"), missing: ["linux/amd64"], available: ["linux/arm64"] },
      { image: image("no-arm64"), missing: ["linux/arm64"], available: ["linux/amd64", "linux/s390x"] },
    ]);

    // the table and one warning per image, on stderr
    expect(result.stderr).toContain("Platforms: 3 of 4 images lack a requested platform");
    expect(result.stderr).toMatch(new RegExp(`${image("amd64-only").replaceAll(".", "\\.")}\\s+✔\\s+✘`));
    expect(result.stderr).toMatch(new RegExp(`${image("arm64-only").replaceAll(".", "\\.")}\\s+✘\\s+✔`));
    expect(result.stderr).toContain("(1 other image has every requested platform)");
    expect(result.stderr).toContain(`warning: image ${image("amd64-only")} has no linux/arm64: arm64 nodes cannot run it`);
    expect(result.stderr).toContain(`warning: image ${image("arm64-only")} has no linux/amd64: amd64 nodes cannot run it`);
    expect(result.stderr).toContain(`warning: image ${image("no-arm64")} has no linux/arm64: arm64 nodes cannot run it`);

    // the folder holds exactly what exists: each top manifest byte for byte, the children and blobs of the platforms it has
    const served = await startDockerRegistry({ rootDirectory: dir });
    try {
      const expected = { both: ["amd64", "arm64"], "amd64-only": ["amd64"], "arm64-only": ["arm64"], "no-arm64": ["amd64"] } as const;
      const allBlobs = new Set<string>();
      for (const [name, architectures] of Object.entries(expected)) {
        expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/seed/${name}:v1`])).toBe(
          await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${image(name)}`]),
        );
        const files = await expectedFiles(name, architectures);
        expect(revisions(dir, name)).toEqual([...new Set(files.manifests)].sort());
        for (const blob of [...files.manifests, ...files.blobs]) allBlobs.add(blob);
        for (const arch of ["amd64", "arm64"]) {
          const inspect = ["inspect", "--tls-verify=false", "--override-os", "linux", "--override-arch", arch];
          if (architectures.includes(arch as never) || (await raw(image(name))).manifests === undefined) {
            // a single-platform image is served as it is, whatever the client's architecture
            const want = JSON.parse(await skopeo([...inspect, `docker://${image(name)}`]));
            expect(JSON.parse(await skopeo([...inspect, `docker://${served.host}/seed/${name}:v1`])).Digest).toBe(want.Digest);
          } else {
            // the index never had that platform: the same answer as from the origin
            await expect(skopeo([...inspect, `docker://${served.host}/seed/${name}:v1`])).rejects.toThrow(`no image found in manifest list for architecture ${arch}`);
          }
        }
      }
      expect(blobFiles(dir).map((hex) => `sha256:${hex}`).sort()).toEqual([...allBlobs].sort());
    } finally {
      await served.stop();
    }
  });

  test("--strict-platforms fails listing every gap at once, and writes nothing", async () => {
    const dir = join(tempDir(), "out");
    const result = await runLade(["--root", tempDir(), "mirror", image("both"), image("amd64-only"), image("arm64-only"), image("no-arm64"), "--dir", dir, "--platform", BOTH, "--strict-platforms"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("3 images lack a requested platform (--strict-platforms):");
    expect(result.stderr).toContain(`${image("amd64-only")}: no linux/arm64 (it has linux/amd64)`);
    expect(result.stderr).toContain(`${image("arm64-only")}: no linux/amd64 (it has linux/arm64)`);
    expect(result.stderr).toContain(`${image("no-arm64")}: no linux/arm64 (it has linux/amd64, linux/s390x)`);
    expect(existsSync(dir)).toBe(false);
  });

  test("an image with none of the requested platforms fails, or is skipped with --skip-missing", async () => {
    const failed = await runLade(["--root", tempDir(), "mirror", image("s390x-only"), image("both"), "--dir", tempDir(), "--platform", BOTH]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`Cannot mirror ${image("s390x-only")}: it is a single-platform image for linux/s390x, not for linux/amd64 or linux/arm64`);
    const skipped = await runLade(["--root", tempDir(), "mirror", image("s390x-only"), image("both"), "--dir", tempDir(), "--platform", BOTH, "--skip-missing", "--json"]);
    expect(skipped.exitCode, skipped.stderr).toBe(3);
    expect(skipped.stderr).toContain("lade: partial: 1 of 2 images were left out (--skip-missing) (exit status 3)");
    const summary = JSON.parse(skipped.stdout);
    expect(summary.images.map((entry: { image: string }) => entry.image)).toEqual([image("both")]);
    expect(summary.skipped).toEqual([{ image: image("s390x-only"), reason: "it is a single-platform image for linux/s390x, not for linux/amd64 or linux/arm64" }]);
  });

  test("one platform of an index: the index keeps its digest, and a left-out platform gets a clear answer", async () => {
    const dir = tempDir();
    const result = await runLade(["--root", tempDir(), "mirror", image("both"), "--dir", dir, "--platform", "linux/amd64"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const index = await raw(image("both"));
    const indexDigest = await topDigest("both");
    const arm64Child = index.manifests!.find((entry) => entry.platform!.architecture === "arm64")!.digest;
    const server = await startLadeRegistry(["--dir", dir]);
    const containerd = await startContainerd();
    try {
      const served = `${server.host}/seed/both`;
      // skopeo --all: the left-out child is answered with which platforms the registry holds
      const all = skopeo(["copy", "--all", "--src-tls-verify=false", `docker://${served}:v1`, `oci:${tempDir()}:x`]);
      await expect(all).rejects.toThrow(
        `manifest unknown: seed/both@${arm64Child} is the linux/arm64 manifest of index ${indexDigest}; this registry holds that image for linux/amd64 only`,
      );
      // this platform, by tag and pinned by the index digest, works for skopeo and containerd
      await skopeo(["copy", "--quiet", "--src-tls-verify=false", "--override-arch", "amd64", `docker://${served}@${indexDigest}`, `oci:${tempDir()}:x`]);
      await containerd.ctr(["images", "pull", "--plain-http", "--platform", "linux/amd64", `${served}@${indexDigest}`]);
      await containerd.ctr(["images", "pull", "--plain-http", "--platform", "linux/amd64", `${served}:v1`]);
      // containerd on arm64 gets "not found" (it shows no error body); the access log says why
      await expect(containerd.ctr(["images", "pull", "--plain-http", "--platform", "linux/arm64", `${served}@${indexDigest}`])).rejects.toThrow(/not found/);
      expect(server.stderr()).toContain(`GET /v2/seed/both/manifests/${arm64Child} 404`);
      expect(server.stderr()).toContain("this registry holds that image for linux/amd64 only");
    } finally {
      await containerd.stop();
      await server.stop();
    }
    // docker-registry serving the same folder says only "manifest unknown"
    const plain = await startDockerRegistry({ rootDirectory: dir });
    try {
      await expect(skopeo(["copy", "--all", "--src-tls-verify=false", `docker://${plain.host}/seed/both:v1`, `oci:${tempDir()}:x`])).rejects.toThrow(/manifest unknown/);
    } finally {
      await plain.stop();
    }
  });

  test("a two-platform build packs what exists, records the gaps with their workloads, and inspect and run show them", async () => {
    const root = tempDir();
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\nCOPY agent.yaml manifests/\n",
      imageList: `${image("both")}\n${image("arm64-only")}\n`,
      "agent.yaml": `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: ${image("amd64-only")}\n`,
    });
    const report = join(tempDir(), "report.json");
    const built = await runLade(["--root", root, "build", "-t", "gaps:1", "--platform", BOTH, "--report", report, ctx]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain(`warning: image ${image("amd64-only")} has no linux/arm64: arm64 nodes cannot run it (used by DaemonSet/agent (manifests/agent.yaml:10))`);
    expect(built.stderr).toContain(`warning: image ${image("arm64-only")} has no linux/amd64: amd64 nodes cannot run it (used by manifests/imageList:2)`);
    const written = JSON.parse(await Bun.file(report).text());
    expect(written.platformCoverage.requested).toEqual(["linux/amd64", "linux/arm64"]);
    expect(written.platformCoverage.gaps.map((gap: { image: string; missing: string[]; usedBy: { kind?: string; file: string }[] }) => [gap.image, gap.missing, gap.usedBy.map((source) => source.kind ?? source.file)])).toEqual([
      [image("amd64-only"), ["linux/arm64"], ["DaemonSet"]],
      [image("arm64-only"), ["linux/amd64"], ["manifests/imageList"]],
    ]);
    expect(written.mirrored.find((entry: { image: string }) => entry.image === image("both")).missingPlatforms).toEqual([]);

    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "--json", "gaps:1"])).stdout);
    for (const platform of inspected.platforms) {
      expect(platform.platformGaps.map((gap: { image: string }) => gap.image)).toEqual([image("amd64-only"), image("arm64-only")]);
      // the registry's list says which platform each image has
      expect(platform.containerImages.filter((entry: { image: string }) => entry.image === image("amd64-only")).map((entry: { platform: { architecture: string } }) => entry.platform.architecture)).toEqual(["amd64"]);
    }
    const text = (await runLade(["--root", root, "inspect", "gaps:1"])).stdout;
    expect(text).toContain("Container images without linux/arm64 (arm64 nodes cannot run them):");
    expect(text).toContain(`${image("amd64-only")} (has linux/amd64), used by DaemonSet/agent (manifests/agent.yaml:10)`);

    // lade run on an arm64 machine warns before any step
    const lines: { line: string; stream: string }[] = [];
    const store = await OciStore.open(root);
    await installCluster(store, {
      image: "gaps:1",
      dataDir: join(tempDir(), "data"),
      env: [],
      hostIp: "10.0.0.9",
      dryRun: true,
      ladeCommand: ["lade"],
      host: { os: "linux", architecture: "arm64" },
      output: (line, stream) => lines.push({ line, stream }),
    });
    const warnings = lines.filter((entry) => entry.stream === "stderr").map((entry) => entry.line);
    expect(warnings).toEqual([
      `warning: this arm64 machine: image ${image("amd64-only")} has no linux/arm64: arm64 nodes cannot run it (used by DaemonSet/agent (manifests/agent.yaml:10))`,
    ]);
    const firstStep = lines.findIndex((entry) => entry.line.startsWith("check-host"));
    expect(lines.findIndex((entry) => entry.line.startsWith("warning:"))).toBeLessThan(firstStep === -1 ? Infinity : firstStep);

    // over SSH, a dry run names what the hosts of each architecture would lack
    const remote = await runLade(["--root", root, "run", "gaps:1", "--data-dir", join(tempDir(), "remote"), "--masters", "127.0.0.1", "--dry-run"]);
    expect(remote.exitCode, remote.stderr).toBe(0);
    expect(remote.stderr).toContain(`warning: arm64 hosts: image ${image("amd64-only")} has no linux/arm64`);
    expect(remote.stderr).toContain(`warning: amd64 hosts: image ${image("arm64-only")} has no linux/amd64`);

    // a child image keeps the gaps of its base's registry
    const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM gaps:1\nLABEL child=yes\n" });
    expect((await runLade(["--root", root, "build", "-t", "child:1", "--platform", BOTH, child])).exitCode).toBe(0);
    const childInspect = JSON.parse((await runLade(["--root", root, "inspect", "--json", "child:1"])).stdout);
    expect(childInspect.platforms[0].platformGaps.map((gap: { image: string }) => gap.image)).toEqual([image("amd64-only"), image("arm64-only")]);
  });

  test("a build with --strict-platforms fails listing every gap and tags nothing", async () => {
    const root = tempDir();
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\n",
      imageList: `${image("both")}\n${image("amd64-only")}\n${image("no-arm64")}\n`,
    });
    const result = await runLade(["--root", root, "build", "-t", "strict:1", "--platform", BOTH, "--strict-platforms", ctx]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("2 images lack a requested platform (--strict-platforms):");
    expect(result.stderr).toContain(`${image("amd64-only")}: no linux/arm64`);
    expect(result.stderr).toContain(`${image("no-arm64")}: no linux/arm64`);
    expect(JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout)).toEqual([]);
  });

  test("lade scan --platform shows the coverage without mirroring, and exits 1 for an image it cannot find", async () => {
    const ctx = writeTree(join(tempDir(), "ctx"), {
      "app.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image("both")}\n        - name: tool\n          image: ${image("amd64-only")}\n`,
    });
    const result = await runLade(["scan", ctx, "--platform", BOTH, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const scanned = JSON.parse(result.stdout);
    expect(scanned.platformCoverage.images.map((entry: { image: string; platforms: Record<string, boolean> }) => [entry.image, entry.platforms])).toEqual([
      [image("amd64-only"), { "linux/amd64": true, "linux/arm64": false }],
      [image("both"), { "linux/amd64": true, "linux/arm64": true }],
    ]);
    expect(scanned.platformCoverage.gaps[0].usedBy[0]).toMatchObject({ kind: "Deployment", name: "web", line: 12 });
    expect(scanned.unresolved).toEqual([]);

    const text = await runLade(["scan", ctx, "--platform", BOTH]);
    expect(text.stdout).toMatch(new RegExp(`${image("amd64-only").replaceAll(".", "\\.")}\\s+✔\\s+✘`));
    expect(text.stdout).toContain(`warning: image ${image("amd64-only")} has no linux/arm64: arm64 nodes cannot run it (used by Deployment/web (${join(ctx, "app.yaml")}:12))`);
    expect((await runLade(["scan", ctx, "--platform", BOTH, "--strict-platforms"])).exitCode).toBe(1);

    const missing = writeTree(join(tempDir(), "ctx"), { imageList: `${origin.host}/seed/absent:v1\n${image("both")}\n` });
    const checked = await runLade(["scan", join(missing, "imageList"), "--check", "--json"]);
    expect(checked.exitCode).toBe(1);
    expect(JSON.parse(checked.stdout).unresolved.map((entry: { image: string }) => entry.image)).toEqual([`${origin.host}/seed/absent:v1`]);
  });
});
