import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync, zstdDecompressSync } from "node:zlib";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { deterministicBytes, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, hasUmoci, umociUnpack, umociUnpackManifest } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasUmoci();
const PLATFORMS = "linux/amd64,linux/arm64";
const SHARED_IMAGES = ["apps/alpha:1", "apps/bravo:1", "apps/charlie:1", "apps/delta:1", "apps/echo:1"];

async function mustLade(args: readonly string[]) {
  const result = await runLade(args);
  if (result.exitCode !== 0) throw new Error(`lade ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result;
}

const lastLine = (text: string) => text.trim().split("\n").at(-1)!;

async function imagesOf(root: string): Promise<[string, string][]> {
  const images = JSON.parse((await mustLade(["--root", root, "images", "--json"])).stdout) as { name: string; digest: string }[];
  return images.map((image) => [image.name, image.digest] as [string, string]).sort();
}

async function fsckProblems(root: string): Promise<unknown[]> {
  const result = await runLade(["--root", root, "fsck", "--json"]);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout).problems;
}

/** Every file, folder and link under `root` with its type, mode, size and sha256: the store's exact state. */
function snapshot(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(root, path);
      const info = lstatSync(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) result[path] = `link ${readlinkSync(full)}`;
      else if (info.isDirectory()) {
        result[path] = `dir ${mode}`;
        walk(path);
      } else if (info.isFile()) result[path] = `file ${mode} ${info.size} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`;
      else result[path] = `other ${info.mode.toString(8)}`;
    }
  };
  walk("");
  return result;
}

// ------------------------------------------------------------------ a tar writer of our own

interface TarEntry {
  readonly name: string;
  /** ustar type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" directory, "6" fifo, "x" PAX */
  readonly type?: string;
  readonly data?: Uint8Array;
  readonly link?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
}

const encoder = new TextEncoder();

function tarHeader(entry: TarEntry): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, width: number, text: string) => header.set(encoder.encode(text).subarray(0, width), offset);
  const octal = (offset: number, width: number, value: number) => put(offset, width, `${value.toString(8).padStart(width - 1, "0")}\0`);
  put(0, 100, entry.name);
  octal(100, 8, entry.type === "5" ? 0o755 : 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, entry.data?.length ?? 0);
  octal(136, 12, 0);
  header.fill(0x20, 148, 156);
  put(156, 1, entry.type ?? "0");
  put(157, 100, entry.link ?? "");
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  octal(329, 8, entry.devmajor ?? 0);
  octal(337, 8, entry.devminor ?? 0);
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

function tar(entries: readonly TarEntry[], options: { endBlocks?: boolean } = {}): Buffer {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    parts.push(tarHeader(entry));
    if (entry.data) {
      parts.push(entry.data);
      parts.push(new Uint8Array((512 - (entry.data.length % 512)) % 512));
    }
  }
  if (options.endBlocks !== false) parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

function paxEntry(records: Record<string, string>): TarEntry {
  const text = Object.entries(records)
    .map(([key, value]) => {
      const rest = ` ${key}=${value}\n`;
      let length = rest.length + 1;
      while (String(length).length + rest.length > length) length += 1;
      return `${length}${rest}`;
    })
    .join("");
  return { name: "PaxHeader", type: "x", data: encoder.encode(text) };
}

/** Read a plain ustar archive (what lade save --compress none writes): entries with their offsets. */
function readTar(bytes: Uint8Array): (TarEntry & { offset: number; dataOffset: number })[] {
  const entries: (TarEntry & { offset: number; dataOffset: number })[] = [];
  const text = (from: number, width: number) => {
    const field = bytes.subarray(from, from + width);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  for (let offset = 0; offset + 512 <= bytes.length; ) {
    if (bytes.subarray(offset, offset + 512).every((byte) => byte === 0)) break;
    const prefix = text(offset + 345, 155);
    const name = prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100);
    const size = Number.parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = text(offset + 156, 1) || "0";
    entries.push({ name, type, data: bytes.slice(offset + 512, offset + 512 + size), offset, dataOffset: offset + 512 });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe.skipIf(!available)("lade save and lade load", () => {
  const source = tempDir("lade-save-src-");
  let origin: DockerRegistry;
  const digests: Record<string, string> = {};
  const work = tempDir("lade-archives-");
  /** A store with another image (single:1) loaded: the store every refused archive must leave exactly as it is. */
  let baseline: string;
  /** The entries of `lade save small:1 --compress none`, the raw material of the evil archives. */
  let valid: ReturnType<typeof readTar>;
  let validBytes: Buffer;
  /** The same image saved with the default zstd compression. */
  let validZstd: Buffer;

  beforeAll(async () => {
    origin = await startDockerRegistry();
    // container images of 1.5 MB per platform; cluster:2 differs from cluster:1 only in echo:1 → echo:2
    await Promise.all(
      [...SHARED_IMAGES, "apps/echo:2"].map((name) =>
        seedImage(origin, name, { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [1_500_000, 1000] }),
      ),
    );
    const small = writeTree(join(tempDir(), "small"), {
      Kubefile: 'FROM scratch\nCOPY ${ARCH} bin/\nCOPY etc etc/\nENV TIER=base\nAPP web local://app\nLAUNCH ["web"]\n',
      "etc/text.conf": "compressible text\n".repeat(2000),
      "app/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
    });
    await Bun.write(join(small, "amd64", "tool"), deterministicBytes("save/amd64", 200_000));
    await Bun.write(join(small, "arm64", "tool"), deterministicBytes("save/arm64", 150_000));
    const single = writeTree(join(tempDir(), "single"), { Kubefile: "FROM scratch\nCOPY a.txt /\nCOPY dir dir/\n", "a.txt": "one platform\n", "dir/b.txt": "bee\n" });
    const cluster = (images: readonly string[]) =>
      writeTree(join(tempDir(), "cluster"), {
        Kubefile: "FROM scratch\nCOPY imageList manifests/\n",
        imageList: images.map((image) => `${origin.host}/${image}\n`).join(""),
      });
    const builds: [string, string, string][] = [
      ["small:1", small, PLATFORMS],
      ["single:1", single, "linux/amd64"],
      ["cluster:1", cluster(SHARED_IMAGES), PLATFORMS],
      ["cluster:2", cluster([...SHARED_IMAGES.slice(0, -1), "apps/echo:2"]), PLATFORMS],
    ];
    for (const [name, context, platforms] of builds) {
      digests[name] = lastLine((await mustLade(["--root", source, "build", "-q", "-t", name, "--platform", platforms, context])).stdout);
    }
    const archive = join(work, "small.tar");
    await mustLade(["--root", source, "save", "small:1", "-o", archive, "--compress", "none"]);
    validBytes = readFileSync(archive);
    valid = readTar(validBytes);
    await mustLade(["--root", source, "save", "small:1", "-o", join(work, "small.tar.zst")]);
    validZstd = readFileSync(join(work, "small.tar.zst"));
    baseline = tempDir("lade-baseline-");
    const other = join(work, "single.tar");
    await mustLade(["--root", source, "save", "single:1", "-o", other]);
    await mustLade(["--root", baseline, "load", "-i", other]);
  });

  afterAll(async () => {
    await origin?.stop();
  });

  const MAGIC: Record<string, string> = { zstd: "28b52ffd", gzip: "1f8b", none: "6f63692d" /* "oci-" of oci-layout */ };

  test.each([["zstd"], ["gzip"], ["none"]])("save one image (--compress %s), load it into a fresh store: same digest, fsck clean", async (compression) => {
    const archive = join(work, `one.${compression}`);
    const saved = await mustLade(["--root", source, "save", "small:1", "-o", archive, "--compress", compression]);
    expect(saved.stdout).toContain(`Saved docker.io/library/small:1 with an SBOM to ${archive}`);
    expect(readFileSync(archive).subarray(0, 4).toString("hex")).toStartWith(MAGIC[compression]!);
    if (compression === "gzip") expect(gunzipSync(readFileSync(archive)).equals(readFileSync(join(work, "small.tar")))).toBe(true);
    if (compression === "zstd") expect(zstdDecompressSync(readFileSync(archive)).equals(readFileSync(join(work, "small.tar")))).toBe(true);
    expect(readdirSync(work).filter((name) => name.includes(".partial"))).toEqual([]);
    const root = tempDir();
    const loaded = await mustLade(["--root", root, "load", "-i", archive]);
    expect(loaded.stdout).toBe(`Loaded docker.io/library/small:1 (${digests["small:1"]})\nLoaded an SBOM attached to them\n`);
    expect(await imagesOf(root)).toEqual([["docker.io/library/small:1", digests["small:1"]!]]);
    expect(await fsckProblems(root)).toEqual([]);
    expect(readdirSync(join(root, "ingest"))).toEqual([]);
    const inspect = async (store: string) => JSON.parse((await mustLade(["--root", store, "inspect", "small:1", "--json"])).stdout);
    expect(await inspect(root)).toEqual(await inspect(source));
  });

  test("save several images into one archive; each blob once; load gives every image", async () => {
    const names = ["small:1", "single:1", "cluster:1", "cluster:2"];
    for (const compression of ["zstd", "none"]) {
      const archive = join(work, `several.${compression}`);
      await mustLade(["--root", source, "save", ...names, "-o", archive, "--compress", compression]);
      const root = tempDir();
      const loaded = await mustLade(["--root", root, "load", "-i", archive]);
      // the four images, then their SBOMs in one line
      expect(loaded.stdout.trim().split("\n").length).toBe(5);
      expect(loaded.stdout).toEndWith("Loaded 4 SBOMs attached to them\n");
      expect(await imagesOf(root)).toEqual(names.map((name) => [`docker.io/library/${name}`, digests[name]!] as [string, string]).sort());
      expect(await fsckProblems(root)).toEqual([]);
      if (compression === "none") {
        const entries = readTar(readFileSync(archive)).map((entry) => entry.name);
        expect(new Set(entries).size).toBe(entries.length);
        // the blobs of the archive are exactly the blobs of the loaded store (all four images need them all)
        const blobs = entries.filter((name) => name.startsWith("blobs/sha256/") && name.length > "blobs/sha256/".length).map((name) => name.slice(13));
        expect(blobs.sort()).toEqual(readdirSync(join(root, "blobs", "sha256")).sort());
      }
    }
    // the zstd archive (raw frames for the random layers, compressed ones for the rest) is the plain tar, compressed
    const plain = readFileSync(join(work, "several.none"));
    expect(zstdDecompressSync(readFileSync(join(work, "several.zstd"))).equals(plain)).toBe(true);
    if (Bun.which("zstd")) {
      const cli = Bun.spawnSync(["zstd", "-d", "-c", join(work, "several.zstd")], { stdout: "pipe", stderr: "pipe" });
      expect(cli.stderr.toString()).toBe("");
      expect(Buffer.from(cli.stdout).equals(plain)).toBe(true);
    }
  });

  test.each([["none"], ["gzip"], ["zstd"]])("skopeo 1.9 reads a --compress %s archive as oci-archive", async (compression) => {
    const archive = join(work, `skopeo.${compression}`);
    await mustLade(["--root", source, "save", "small:1", "cluster:2", "-o", archive, "--compress", compression]);
    const inspected = JSON.parse(await skopeo(["inspect", `oci-archive:${archive}:docker.io/library/small:1`]));
    expect(inspected.Digest).toBe(digests["small:1"]!);
    const raw = await skopeo(["inspect", "--raw", `oci-archive:${archive}:docker.io/library/cluster:2`]);
    expect(raw).toBe(readFileSync(join(source, "blobs/sha256", digests["cluster:2"]!.slice(7)), "utf8"));
    for (const name of ["small:1", "cluster:2"]) {
      const layout = tempDir();
      // without --preserve-digests skopeo gzips the cluster image's plain-tar registry layers on the way
      await skopeo(["copy", "--quiet", "--all", "--preserve-digests", `oci-archive:${archive}:docker.io/library/${name}`, `oci:${layout}:x`]);
      const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
      expect(index.manifests[0].digest).toBe(digests[name]!);
      // every blob skopeo wrote is the source store's, byte for byte
      for (const hex of readdirSync(join(layout, "blobs/sha256"))) {
        expect(readFileSync(join(layout, "blobs/sha256", hex)).equals(readFileSync(join(source, "blobs/sha256", hex)))).toBe(true);
      }
    }
  });

  test("umoci unpacks images loaded from an archive (one platform of an index, and a plain manifest)", async () => {
    const archive = join(work, "umoci.tar.zst");
    await mustLade(["--root", source, "save", "small:1", "single:1", "-o", archive]);
    const root = tempDir();
    await mustLade(["--root", root, "load", "-i", archive]);
    const index = JSON.parse(readFileSync(join(root, "blobs/sha256", digests["small:1"]!.slice(7)), "utf8"));
    const arm = index.manifests.find((entry: { platform: { architecture: string } }) => entry.platform.architecture === "arm64");
    const rootfs = await umociUnpackManifest(root, arm.digest, join(tempDir(), "bundle"));
    expect(readFileSync(join(rootfs, "bin/tool")).equals(Buffer.from(deterministicBytes("save/arm64", 150_000)))).toBe(true);
    expect(readFileSync(join(rootfs, "etc/text.conf"), "utf8")).toBe("compressible text\n".repeat(2000));
    expect(existsSync(join(rootfs, "application/apps/web/pod.yaml"))).toBe(true);
    const single = await umociUnpack(root, "docker.io/library/single:1", join(tempDir(), "bundle"));
    expect(describeTree(single)).toEqual({ "a.txt": "file 644 one platform\n", dir: "dir 755", "dir/b.txt": "file 644 bee\n" });
  });

  test("a delta against the older image (--base) is a small part of the full archive and needs that image to load", async () => {
    const full = join(work, "cluster2-full.tar.zst");
    const delta = join(work, "cluster2-delta.tar.zst");
    const base = join(work, "cluster1.tar.zst");
    await mustLade(["--root", source, "save", "cluster:2", "-o", full]);
    const saved = await mustLade(["--root", source, "save", "cluster:2", "-o", delta, "--base", "cluster:1"]);
    expect(saved.stdout).toMatch(/\d+ left out \(in docker\.io\/library\/cluster:1\)/);
    await mustLade(["--root", source, "save", "cluster:1", "-o", base]);
    const ratio = statSync(delta).size / statSync(full).size;
    expect(statSync(full).size).toBeGreaterThan(15_000_000);
    expect(ratio).toBeLessThan(0.3);

    // a store with cluster:1 takes the delta
    const withBase = tempDir();
    await mustLade(["--root", withBase, "load", "-i", base]);
    const loaded = await mustLade(["--root", withBase, "load", "-i", delta]);
    expect(loaded.stdout).toBe(`Loaded docker.io/library/cluster:2 (${digests["cluster:2"]})\nLoaded an SBOM attached to them\n`);
    expect(await imagesOf(withBase)).toEqual([
      ["docker.io/library/cluster:1", digests["cluster:1"]!],
      ["docker.io/library/cluster:2", digests["cluster:2"]!],
    ]);
    expect(await fsckProblems(withBase)).toEqual([]);
    expect(readdirSync(join(withBase, "ingest"))).toEqual([]);

    // a store without it refuses, names the base, and is left exactly as it was
    const before = snapshot(baseline);
    const refused = await runLade(["--root", baseline, "load", "-i", delta]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`it is a delta against docker.io/library/cluster:1 (${digests["cluster:1"]})`);
    expect(refused.stdout).toBe("");
    expect(snapshot(baseline)).toEqual(before);
    expect(readdirSync(join(baseline, "ingest"))).toEqual([]);
  });

  test("save fails without writing anything for an unknown image or base", async () => {
    const output = join(work, "never.tar");
    for (const args of [["nosuch:1"], ["small:1", "--base", "nosuch:1"]]) {
      const result = await runLade(["--root", source, "save", ...args, "-o", output]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("nosuch");
      expect(existsSync(output)).toBe(false);
    }
    expect(readdirSync(work).filter((name) => name.includes(".partial"))).toEqual([]);
  });

  // ---------------------------------------------------------------- evil and broken archives

  const entry = (name: string) => valid.find((candidate) => candidate.name === name)!;
  const blobEntries = () => valid.filter((candidate) => /^blobs\/sha256\/[a-f0-9]{64}$/.test(candidate.name));
  const largestBlob = () => blobEntries().sort((a, b) => b.data!.length - a.data!.length)[0]!;
  const without = (name: string) => valid.filter((candidate) => candidate.name !== name);
  const replacing = (name: string, replacement: TarEntry) => valid.map((candidate) => (candidate.name === name ? replacement : candidate));
  const layerBlob = () => {
    const index = JSON.parse(new TextDecoder().decode(entry(`blobs/sha256/${digests["small:1"]!.slice(7)}`).data));
    const manifest = JSON.parse(new TextDecoder().decode(entry(`blobs/sha256/${index.manifests[0].digest.slice(7)}`).data));
    return manifest.layers[0].digest.slice(7) as string;
  };
  const index = () => JSON.parse(new TextDecoder().decode(entry("index.json").data));
  const withIndex = (value: unknown) => replacing("index.json", { name: "index.json", data: encoder.encode(JSON.stringify(value)) });
  const corrupt = (bytes: Uint8Array, from: number, count: number) => {
    const copy = Buffer.from(bytes);
    for (let position = from; position < from + count; position++) copy[position]! ^= 0x5a;
    return copy;
  };

  const evil: [string, () => Uint8Array, RegExp][] = [
    ["path traversal ../x", () => tar([...valid, { name: "../x", data: encoder.encode("x") }]), /"\.\.\/x" points outside the image layout/],
    ["traversal inside the layout blobs/sha256/../../x", () => tar([{ name: "blobs/sha256/../../x", data: encoder.encode("x") }, ...valid]), /"blobs\/sha256\/\.\.\/\.\.\/x" points outside/],
    ["absolute path /etc/x", () => tar([...valid, { name: "/etc/x", data: encoder.encode("x") }]), /"\/etc\/x" points outside the image layout/],
    ["PAX path ../../etc/x behind an innocent ustar name", () => tar([...valid.slice(0, 2), paxEntry({ path: "../../etc/x" }), { name: "innocent", data: encoder.encode("x") }, ...valid.slice(2)]), /"\.\.\/\.\.\/etc\/x" points outside/],
    ["symlink entry", () => tar(replacing(`blobs/sha256/${layerBlob()}`, { name: `blobs/sha256/${layerBlob()}`, type: "2", link: "/etc/passwd" })), /"blobs\/sha256\/[a-f0-9]{64}" is a symlink, not a regular file/],
    ["hardlink entry", () => tar([...valid, { name: "blobs/sha256/" + "e".repeat(64), type: "1", link: "index.json" }]), /is a hardlink, not a regular file/],
    ["character device", () => tar([...valid, { name: "blobs/sha256/" + "c".repeat(64), type: "3", devmajor: 1, devminor: 3 }]), /is a device, not a regular file/],
    ["fifo", () => tar(replacing("oci-layout", { name: "oci-layout", type: "6" })), /"oci-layout" is a fifo, not a regular file/],
    ["duplicate index.json (a second one smuggled in)", () => tar([...valid, { name: "index.json", data: encoder.encode('{"schemaVersion":2,"manifests":[]}') }]), /holds "index\.json" twice/],
    ["duplicate blob", () => tar([...valid, largestBlob()]), /holds "blobs\/sha256\/[a-f0-9]{64}" twice/],
    ["unknown file name", () => tar([...valid, { name: "README.md", data: encoder.encode("hello") }]), /"README\.md" is not part of an OCI image layout/],
    ["unknown folder", () => tar([{ name: "etc", type: "5" }, ...valid]), /"etc\/?" is not part of an OCI image layout/],
    ["blob whose content does not match its name", () => {
      const blob = largestBlob();
      return tar(replacing(blob.name, { name: blob.name, data: corrupt(blob.data!, 1000, 1) }));
    }, /blob sha256:[a-f0-9]{64} does not match its digest \(its content hashes to sha256:[a-f0-9]{64}\)/],
    ["truncated in the middle of a blob", () => {
      const blob = largestBlob();
      return validBytes.subarray(0, blob.dataOffset + Math.floor(blob.data!.length / 2));
    }, /the archive is truncated inside "blobs\/sha256\/[a-f0-9]{64}"/],
    ["truncated header", () => validBytes.subarray(0, valid[4]!.offset + 100), /the archive is truncated at byte \d+/],
    ["a later header whose checksum does not add up", () => {
      const bytes = new Uint8Array(validBytes); // a copy: validBytes is shared by the other cases
      bytes[valid[4]!.offset + 10]! ^= 0x01; // one bit of the fifth entry's name
      return bytes;
    }, /the tar header at byte \d+ is damaged \(its checksum does not add up\)/],
    ["missing end-of-archive blocks", () => validBytes.subarray(0, validBytes.length - 1024), /ends without its end-of-archive blocks/],
    ["empty file", () => new Uint8Array(0), /ends without its end-of-archive blocks/],
    ["missing index.json", () => tar(without("index.json")), /it has no index\.json/],
    ["missing oci-layout", () => tar(without("oci-layout")), /it has no oci-layout file/],
    ["index.json that is not JSON", () => tar(replacing("index.json", { name: "index.json", data: encoder.encode("{not json") })), /its index\.json is not a valid image index/],
    ["index.json referencing a blob that is not there", () => tar(without(`blobs/sha256/${layerBlob()}`)), new RegExp(`it lacks 1 blob its images need, e\\.g\\. sha256:${"[a-f0-9]{64}"}`)],
    ["index.json naming an image that is not in the archive", () => {
      const changed = index();
      changed.manifests.push({ ...changed.manifests[0], digest: `sha256:${"d".repeat(64)}`, annotations: { "org.opencontainers.image.ref.name": "docker.io/library/ghost:1" } });
      return tar(withIndex(changed));
    }, new RegExp(`lacks 1 blob its images need, e\\.g\\. sha256:${"d".repeat(64)}`)],
    ["index.json with a wrong size for the image", () => {
      const changed = index();
      changed.manifests[0].size += 1;
      return tar(withIndex(changed));
    }, /blob sha256:[a-f0-9]{64} has \d+ bytes, but its descriptor says \d+/],
    ["index.json with a name that is no image reference", () => {
      const changed = index();
      changed.manifests[0].annotations["org.opencontainers.image.ref.name"] = "Not A/Reference!!";
      return tar(withIndex(changed));
    }, /names image sha256:[a-f0-9]{64} "Not A\/Reference!!", which is not an image reference/],
    ["garbage instead of tar", () => deterministicBytes("garbage", 64 * 1024), /it is not a tar archive/],
    ["gzip corrupted mid-stream", () => {
      const gzipped = gzipSync(validBytes);
      return corrupt(gzipped, Math.floor(gzipped.length / 2), 64);
    }, /its gzip data is corrupt or truncated|does not match its digest/],
    ["gzip with a corrupt deflate stream at its start", () => corrupt(gzipSync(validBytes), 12, 16), /its gzip data is corrupt or truncated \(.+\)/],
    ["gzip truncated", () => {
      const gzipped = gzipSync(validBytes);
      return gzipped.subarray(0, Math.floor(gzipped.length / 2));
    }, /its gzip data is corrupt or truncated \(unexpected end of file\)/],
    ["zstd corrupted mid-stream", () => corrupt(validZstd, Math.floor(validZstd.length / 2), 64), /does not match its digest|its zstd data is corrupt/],
    ["zstd whose frame checksum does not match (lade save writes one)", () => corrupt(validZstd, validZstd.length - 2, 1), /its zstd data is corrupt or truncated \(.*checksum.*\)/],
    ["zstd truncated", () => validZstd.subarray(0, Math.floor(validZstd.length / 2)), /the archive is truncated|ends without its end-of-archive blocks/],
  ];

  test.each(evil)("refuses an archive with %s: exit 1, a clear message, the store byte-identical", async (name, build, message) => {
    const file = join(work, `evil-${name.replace(/[^a-z0-9]+/gi, "-")}.tar`);
    writeFileSync(file, build());
    const before = snapshot(baseline);
    const result = await runLade(["--root", baseline, "load", "-i", file]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith(`lade: error: Cannot load "${file}": `);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain("    at "); // no stack trace
    expect(result.stdout).toBe("");
    expect(snapshot(baseline)).toEqual(before);
    expect(readdirSync(join(baseline, "ingest"))).toEqual([]);
  });

  test("the untouched raw material loads (so each refusal above is the evil part's doing)", async () => {
    const root = tempDir();
    writeFileSync(join(work, "rebuilt.tar"), tar(valid));
    const loaded = await mustLade(["--root", root, "load", "-i", join(work, "rebuilt.tar")]);
    expect(loaded.stdout).toBe(`Loaded docker.io/library/small:1 (${digests["small:1"]})\nLoaded an SBOM attached to them\n`);
    expect(await fsckProblems(root)).toEqual([]);
  });

  test("an OCI archive written by skopeo loads, its short name normalized", async () => {
    const archive = join(work, "from-skopeo.tar");
    await skopeo(["copy", "--quiet", "--all", `oci:${source}:docker.io/library/small:1`, `oci-archive:${archive}:skopeo-made:7`]);
    const root = tempDir();
    const loaded = await mustLade(["--root", root, "load", "-i", archive]);
    expect(loaded.stdout).toBe(`Loaded docker.io/library/skopeo-made:7 (${digests["small:1"]})\n`);
    expect((await runLade(["--root", root, "inspect", "skopeo-made:7"])).exitCode).toBe(0);
    expect(await fsckProblems(root)).toEqual([]);
  });
});
