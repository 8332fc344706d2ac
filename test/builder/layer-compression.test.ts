import { describe, expect, test } from "bun:test";
import { createCipheriv, createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MediaTypes } from "../../src/oci/media-types.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { readImage } from "../../src/store/read-image.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { umociUnpack } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

/** A context with what base images carry: compressible text, an incompressible download, several MiB of each. */
function makeContext(): { dir: string; text: string; random: Buffer } {
  const text = Array.from({ length: 60_000 }, (_, i) => `line ${i}: kubelet flag --node-ip=10.0.${i % 250}.${i % 199}\n`).join("");
  const random = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16)).update(Buffer.alloc(3 * 1024 * 1024 + 123));
  const dir = writeTree(join(tempDir(), "context"), {
    Kubefile: "FROM scratch\nCOPY etc /etc/\nCOPY bin /bin/\n",
    "etc/flags.txt": text,
  });
  mkdirSync(join(dir, "bin"), { mode: 0o755 });
  writeFileSync(join(dir, "bin/download.tgz"), random, { mode: 0o755 });
  return { dir, text, random };
}

async function build(root: string, context: string, extra: readonly string[], pinned = false): Promise<string> {
  const args = ["--root", root, "build", "-q", "-t", "comp:1", "--platform", "linux/amd64", ...extra, context];
  const command = pinned ? ["taskset", "-c", "0", process.execPath, MAIN, ...args] : [process.execPath, MAIN, ...args];
  const child = Bun.spawn(command, { stdout: "pipe", stderr: "pipe", env: { ...process.env, SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined } });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`lade build failed: ${stderr}`);
  return stdout.trim().split("\n").at(-1)!;
}

async function layersOf(root: string) {
  const store = await OciStore.open(root);
  const image = await readImage(store, (await store.resolve("docker.io/library/comp:1"))!);
  return image.platforms[0]!;
}

/** skopeo decompresses every layer into dir:; each must hash to the config's diff_id. */
async function skopeoDecompressedDiffIds(root: string): Promise<string[]> {
  const out = join(tempDir(), "dir");
  const copy = Bun.spawn(["skopeo", "copy", "-q", "--dest-decompress", "oci:" + root + ":docker.io/library/comp:1", "dir:" + out], { stdout: "pipe", stderr: "pipe" });
  const stderr = await new Response(copy.stderr).text();
  expect({ code: await copy.exited, stderr }).toEqual({ code: 0, stderr: "" });
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { layers: { digest: string }[] };
  return manifest.layers.map((layer) => `sha256:${createHash("sha256").update(readFileSync(join(out, layer.digest.slice(7)))).digest("hex")}`);
}

describe("lade build --compression", () => {
  const context = makeContext();

  test.each([
    ["gzip", MediaTypes.ociLayerGzip],
    ["zstd", MediaTypes.ociLayerZstd],
    ["none", MediaTypes.ociLayer],
  ])("%s layers are read by skopeo back to the config's diff_ids", async (format, mediaType) => {
    const root = tempDir();
    await build(root, context.dir, ["--compression", format]);
    const image = await layersOf(root);
    expect(image.manifest.layers.map((layer) => layer.mediaType)).toEqual([mediaType, mediaType]);
    expect(await skopeoDecompressedDiffIds(root)).toEqual([...image.config.rootfs.diff_ids]);
    if (format === "none") expect(image.manifest.layers.map((layer) => layer.digest)).toEqual([...image.config.rootfs.diff_ids]);
  });

  test.each(["gzip", "none"])("umoci unpacks %s layers to the context's files", async (format) => {
    const root = tempDir();
    await build(root, context.dir, ["--compression", format]);
    const rootfs = await umociUnpack(root, "docker.io/library/comp:1", join(tempDir(), "bundle"));
    expect(readFileSync(join(rootfs, "etc/flags.txt"), "utf8")).toBe(context.text);
    expect(readFileSync(join(rootfs, "bin/download.tgz")).equals(context.random)).toBe(true);
  });

  test("the digest is the same on one core as on all of them, for each format", async () => {
    for (const format of ["gzip", "zstd"]) {
      const all = await build(tempDir(), context.dir, ["--compression", format]);
      const one = await build(tempDir(), context.dir, ["--compression", format], true);
      expect(one).toBe(all);
    }
  });

  test("the incompressible file is stored, not compressed again; the text is compressed", async () => {
    const root = tempDir();
    await build(root, context.dir, []);
    const [etc, bin] = (await layersOf(root)).manifest.layers;
    expect(etc!.size).toBeLessThan(context.text.length / 4);
    expect(bin!.size).toBeGreaterThan(context.random.length);
    expect(bin!.size).toBeLessThan(context.random.length * 1.001 + 4096);
  });

  test("each format and level is cached on its own; levels change the layer bytes", async () => {
    const root = tempDir();
    const six = await build(root, context.dir, []);
    const nine = await build(root, context.dir, ["--compression-level", "9"]);
    expect(nine).not.toBe(six);
    expect(await build(root, context.dir, ["--compression", "gzip", "--compression-level", "6"])).toBe(six);
    const zstd = await build(root, context.dir, ["--compression", "zstd"]);
    expect(zstd).not.toBe(six);
    expect(await build(root, context.dir, ["--no-cache", "--compression", "zstd"])).toBe(zstd);
  });

  test("lade reads its zstd layers: a RUN on top of a zstd base sees its files, and its SBOM hashes their files", async () => {
    const root = tempDir();
    await build(root, context.dir, ["--compression", "zstd"]);
    const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM comp:1\nRUN wc -l < etc/flags.txt > count && wc -c < bin/download.tgz >> count\n" });
    const built = await runLade(["--root", root, "build", "-q", "-t", "child:1", "--platform", "linux/amd64", child]);
    expect(built.exitCode).toBe(0);

    const store = await OciStore.open(root);
    const image = (await readImage(store, (await store.resolve("docker.io/library/child:1"))!)).platforms[0]!;
    const last = image.manifest.layers.at(-1)!;
    expect(last.mediaType).toBe(MediaTypes.ociLayerGzip);
    const listing = Bun.spawnSync(["tar", "-xzOf", store.blobPath(last.digest), "count"]);
    expect(listing.stdout.toString().split("\n").map((line) => line.trim())).toEqual(["60000", String(context.random.length), ""]);
    // the SBOM is made from the layers' contents: the file's hash comes out of the zstd layer
    const sbom = await runLade(["--root", root, "sbom", "comp:1"]);
    expect(sbom.exitCode).toBe(0);
    expect(sbom.stdout).toContain(createHash("sha256").update(context.random).digest("hex"));
  });

  test("a bad level is a usage error that builds nothing", async () => {
    const root = tempDir();
    const result = await runLade(["--root", root, "build", "-t", "comp:1", "--compression", "zstd", "--compression-level", "30", context.dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('A zstd compression level is a whole number from 1 to 19, not "30"');
    expect(readdirSync(root).includes("index.json") ? readFileSync(join(root, "index.json"), "utf8") : "").not.toContain("comp:1");
  });
});
