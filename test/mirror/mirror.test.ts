import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

const available = hasDockerRegistry() && hasSkopeo();
const PLATFORMS = "linux/amd64,linux/arm64";

/** Every blob file's sha256 must equal the digest its path names. */
async function checkBlobFiles(dir: string): Promise<number> {
  const root = join(dir, "docker/registry/v2/blobs/sha256");
  let count = 0;
  for (const prefix of readdirSync(root)) {
    for (const hex of readdirSync(join(root, prefix))) {
      const hasher = new Bun.CryptoHasher("sha256");
      for await (const chunk of Bun.file(join(root, prefix, hex, "data")).stream()) hasher.update(chunk);
      expect(hasher.digest("hex")).toBe(hex);
      count += 1;
    }
  }
  return count;
}

describe.skipIf(!available)("lade mirror against a real registry", () => {
  let origin: DockerRegistry;
  let served: DockerRegistry | undefined;

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "seed/single-oci:v1", { layerSizes: [3000, 1_500_000] }),
      seedImage(origin, "seed/single-docker:v1", { dockerFormat: true, layerSizes: [4000] }),
      seedImage(origin, "seed/multi-oci:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [5000, 6000] }),
      seedImage(origin, "seed/multi-docker:v1", { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [7000] }),
    ]);
  });

  afterAll(async () => {
    await served?.stop();
    await origin?.stop();
  });

  test("writes every platform byte-for-byte so a second registry serves the same manifests and digests", async () => {
    const dir = tempDir();
    const root = tempDir();
    const names = ["seed/multi-oci:v1", "seed/multi-docker:v1"];
    const result = await runLade(["--root", root, "mirror", ...names.map((name) => `${origin.host}/${name}`), "--dir", dir, "--platform", PLATFORMS, "--json", "--events"]);
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout);
    // --events: progress as JSON lines on stderr, each image announced with its bytes and finished
    const events = result.stderr.trim().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { event: string; image?: string; bytes?: number; done?: number; total?: number });
    for (const name of names) {
      const image = `${origin.host}/${name}`;
      const announced = events.find((event) => event.event === "image" && event.image === image);
      expect(announced?.bytes).toBeGreaterThan(0);
      expect(events.some((event) => event.event === "image-done" && event.image === image)).toBe(true);
      const last = events.filter((event) => event.event === "progress" && event.image === image).at(-1);
      expect(last?.done).toBe(announced?.bytes);
    }
    expect(summary.images.map((image: { repository: string; platforms: string[] }) => [image.repository, image.platforms])).toEqual([
      ["seed/multi-docker", ["linux/amd64", "linux/arm64"]],
      ["seed/multi-oci", ["linux/amd64", "linux/arm64"]],
    ]);
    expect(await checkBlobFiles(dir)).toBeGreaterThan(0);

    served = await startDockerRegistry({ rootDirectory: dir });
    for (const name of names) {
      const original = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
      const mirrored = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/${name}`]);
      expect(mirrored).toBe(original);
      for (const arch of ["amd64", "arm64"]) {
        const args = ["inspect", "--tls-verify=false", "--override-os", "linux", "--override-arch", arch];
        const a = JSON.parse(await skopeo([...args, `docker://${origin.host}/${name}`]));
        const b = JSON.parse(await skopeo([...args, `docker://${served.host}/${name}`]));
        expect(b.Digest).toBe(a.Digest);
        expect(b.Layers).toEqual(a.Layers);
      }
      // an independent client copies every platform out of the mirrored folder, verifying digests
      await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${served.host}/${name}`, `oci:${tempDir()}:copy`]);
    }
    await served.stop();
    served = undefined;
  });

  test("writes the files distribution itself writes for a pushed image", async () => {
    const dir = tempDir();
    const result = await runLade(["--root", tempDir(), "mirror", `${origin.host}/seed/single-oci:v1`, "--dir", dir]);
    expect(result.exitCode).toBe(0);
    const list = (base: string) => {
      const repo = join(base, "docker/registry/v2/repositories/seed/single-oci");
      return (readdirSync(repo, { recursive: true }) as string[]).filter((path) => path.endsWith("link")).sort();
    };
    expect(list(dir)).toEqual(list(origin.storage));
    const digest = (await Bun.file(join(dir, "docker/registry/v2/repositories/seed/single-oci/_manifests/tags/v1/current/link")).text());
    expect(digest).toBe(await Bun.file(join(origin.storage, "docker/registry/v2/repositories/seed/single-oci/_manifests/tags/v1/current/link")).text());
  });

  test("drops the upstream host from repository paths and keeps digests", async () => {
    const dir = tempDir();
    const inspect = JSON.parse(await skopeo(["inspect", "--tls-verify=false", `docker://${origin.host}/seed/single-docker:v1`]));
    const byDigest = `${origin.host}/seed/single-docker@${inspect.Digest}`;
    const result = await runLade(["--root", tempDir(), "mirror", byDigest, "--dir", dir, "--json"]);
    expect(result.exitCode).toBe(0);
    const [image] = JSON.parse(result.stdout).images;
    expect(image).toEqual({ image: byDigest, repository: "seed/single-docker", digest: inspect.Digest, platforms: ["linux/amd64"], missingPlatforms: [] });
    const revision = join(dir, "docker/registry/v2/repositories/seed/single-docker/_manifests/revisions", inspect.Digest.replace(":", "/"), "link");
    expect(await Bun.file(revision).text()).toBe(inspect.Digest);
  });

  test("refuses two different images that would share a repository and tag", async () => {
    const other = await startDockerRegistry();
    try {
      await seedImage(other, "seed/single-oci:v1", { seed: "different", layerSizes: [100] });
      const result = await runLade(["--root", tempDir(), "mirror", `${origin.host}/seed/single-oci:v1`, `${other.host}/seed/single-oci:v1`, "--dir", tempDir()]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`${origin.host}/seed/single-oci:v1`);
      expect(result.stderr).toContain(`${other.host}/seed/single-oci:v1`);
      expect(result.stderr).toContain('"seed/single-oci:v1"');
    } finally {
      await other.stop();
    }
  });

  test("reads --image-list files with comments and quotes, and fails at FILE:LINE on a bad reference", async () => {
    const list = join(tempDir(), "images.txt");
    await Bun.write(list, `# images\n\n  "${origin.host}/seed/single-docker:v1"  \n${origin.host}/seed/multi-oci:v1 # both arches\n`);
    const ok = await runLade(["--root", tempDir(), "mirror", "--image-list", list, "--dir", tempDir(), "--json"]);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).images).toHaveLength(2);
    await Bun.write(list, `${origin.host}/seed/single-docker:v1\nNot/A/Valid:Ref:x\n`);
    const bad = await runLade(["--root", tempDir(), "mirror", "--image-list", list, "--dir", tempDir()]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toStartWith(`lade: error: ${list}:2:1: Cannot parse image reference`);
  });
});
