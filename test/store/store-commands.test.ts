import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade, spawnLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

function context(extra = ""): string {
  return writeTree(join(tempDir(), "ctx"), {
    Kubefile: `FROM scratch\nCOPY data /data\n${extra}`,
    "data/a.txt": "a",
    "data/big.bin": "x".repeat(100_000),
  });
}

async function lade(root: string, ...args: string[]) {
  const result = await runLade(["--root", root, ...args]);
  if (result.exitCode !== 0) throw new Error(`lade ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function blobCount(root: string): number {
  return readdirSync(join(root, "blobs", "sha256")).length;
}

describe("store commands", () => {
  test("the store is an OCI layout naming images by their full reference", async () => {
    const root = tempDir();
    await lade(root, "build", "-t", "test:1", context());
    expect(await Bun.file(join(root, "oci-layout")).json()).toEqual({ imageLayoutVersion: "1.0.0" });
    const index = await Bun.file(join(root, "index.json")).json();
    // the image, and the SBOM lade build attached to it (cosign's tag: sha256-<hex>.sbom)
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations["org.opencontainers.image.ref.name"])).toEqual([
      "docker.io/library/test:1",
      expect.stringMatching(/^docker\.io\/library\/test:sha256-[0-9a-f]{64}\.sbom$/),
    ]);
  });

  test("tag adds names, rmi removes them and frees blobs no other image needs", async () => {
    const root = tempDir();
    const digest = (await lade(root, "build", "-t", "one:1", context())).trim().split("\n").at(-1)!;
    await lade(root, "tag", "one:1", "two:1", "registry.example:5000/team/three:v2");
    const names = JSON.parse(await lade(root, "images", "--json")).map((image: { name: string }) => image.name);
    expect(names).toEqual(["docker.io/library/one:1", "docker.io/library/two:1", "registry.example:5000/team/three:v2"]);
    expect(await lade(root, "images")).toContain("registry.example:5000/team/three:v2");

    await lade(root, "build", "-t", "other:1", context("LABEL other=yes\n"));
    const before = blobCount(root);
    await lade(root, "rmi", "one:1", "two:1");
    expect(blobCount(root)).toBe(before); // three still needs them
    await lade(root, "rmi", digest.slice("sha256:".length, "sha256:".length + 12));
    const remaining = JSON.parse(await lade(root, "images", "--json"));
    expect(remaining.map((image: { name: string }) => image.name)).toEqual(["docker.io/library/other:1"]);
    expect(blobCount(root)).toBeLessThan(before);
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
  });

  test("rmi of an unknown image fails and changes nothing", async () => {
    const root = tempDir();
    await lade(root, "build", "-t", "keep:1", context());
    const result = await runLade(["--root", root, "rmi", "keep:1", "nope:1"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Cannot find image "nope:1"');
    expect(JSON.parse(await lade(root, "images", "--json"))).toHaveLength(1);
  });

  test("prune drops unused blobs and stale cache, and keeps what images need", async () => {
    const root = tempDir();
    const ctx = context();
    await lade(root, "build", "-t", "a:1", ctx);
    writeFileSync(join(ctx, "data", "a.txt"), "changed");
    await lade(root, "build", "-t", "a:1", ctx); // the first build's layer is now unused
    writeFileSync(join(root, "ingest", "leftover"), "partial");
    const report = JSON.parse(await lade(root, "prune", "--json"));
    expect(report.removedBlobs).toBeGreaterThan(0);
    expect(report.removedCacheEntries).toBeGreaterThan(0);
    expect(readdirSync(join(root, "ingest"))).toEqual([]);
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
    // the image still builds from cache after a prune: its own layers were kept
    const rebuilt = await runLade(["--root", root, "build", "-t", "a:1", ctx]);
    expect(rebuilt.stderr).toContain("Using cache");
  });

  test("fsck finds corrupt and missing blobs and exits 1", async () => {
    const root = tempDir();
    await lade(root, "build", "-t", "a:1", context());
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
    const inspected = JSON.parse(await lade(root, "inspect", "a:1", "--json"));
    expect(inspected.platforms[0].layers).toHaveLength(1);
    const [first] = inspected.platforms[0].layers;
    const layerPath = join(root, "blobs", "sha256", first.digest.slice(7));
    const bytes = await Bun.file(layerPath).bytes();
    bytes[bytes.length - 1]! ^= 0xff;
    await Bun.write(layerPath, bytes);
    const configPath = join(root, "blobs", "sha256", inspected.platforms[0].configDigest.slice(7));
    const result = await runLade(["--root", root, "fsck", "--json"]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.problems).toEqual([expect.objectContaining({ digest: first.digest, problem: "corrupt" })]);
    await Bun.file(configPath).delete();
    const missing = await runLade(["--root", root, "fsck"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain(`missing  ${inspected.platforms[0].configDigest}  (needed by docker.io/library/a:1)`);
  });

  test("inspect shows config, labels, apps, launch, layers and platforms", async () => {
    const root = tempDir();
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: 'FROM scratch\nLABEL team=infra\nENV A=1\nAPP web local://web.yaml\nLAUNCH ["web"]\n',
      "web.yaml": "kind: Pod\n",
    });
    await lade(root, "build", "-t", "insp:1", "--platform", "linux/amd64,linux/arm64", ctx);
    const text = await lade(root, "inspect", "insp:1");
    for (const expected of ["Platform linux/amd64", "Platform linux/arm64", "team=infra", "A=1", "web (kube; files: web.yaml)", "Launch: apps web", "APP web local://web.yaml"]) {
      expect(text).toContain(expected);
    }
    const json = JSON.parse(await lade(root, "inspect", "insp:1", "--json"));
    expect(json.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(json.platforms.map((p: { platform: string }) => p.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    expect(json.platforms[0].layers[0]).toEqual({ digest: expect.stringMatching(/^sha256:/), size: expect.any(Number), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", createdBy: "APP web local://web.yaml" });
  });
});

describe("store safety", () => {
  test("concurrent builds into one store all succeed and leave a consistent store", async () => {
    const root = tempDir();
    const builds = await Promise.all(
      [1, 2, 3, 4].map((n) => runLade(["--root", root, "build", "-t", `par:${n}`, context(`LABEL n=${n}\nRUN echo ${n} > n.txt\n`)])),
    );
    for (const build of builds) expect(build.exitCode).toBe(0);
    const names = JSON.parse(await lade(root, "images", "--json")).map((image: { name: string }) => image.name);
    expect(names).toEqual([1, 2, 3, 4].map((n) => `docker.io/library/par:${n}`));
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
  });

  test("a build killed with -9 leaves no tagged image, and the next build succeeds", async () => {
    const root = tempDir();
    const ctx = context("RUN touch started && sleep 30\n");
    const child = spawnLade(["--root", root, "build", "-t", "killed:1", ctx]);
    // wait until the RUN step has started, then kill the build hard
    const deadline = Date.now() + 20_000;
    const started = () => readdirSync(join(root, "ingest"), { recursive: true }).some((p) => String(p).endsWith("started"));
    while (Date.now() < deadline && !(existsSync(join(root, "ingest")) && started())) {
      await Bun.sleep(50);
    }
    expect(started()).toBe(true);
    child.kill(9);
    await child.exited;
    expect(JSON.parse(await lade(root, "images", "--json"))).toEqual([]);
    writeFileSync(join(ctx, "Kubefile"), "FROM scratch\nCOPY data /data\nRUN touch finished\n");
    await lade(root, "build", "-t", "killed:1", ctx);
    expect(JSON.parse(await lade(root, "images", "--json"))).toHaveLength(1);
    expect((await runLade(["--root", root, "fsck"])).exitCode).toBe(0);
    await lade(root, "prune");
    expect(readdirSync(join(root, "ingest"))).toEqual([]);
  });
});
