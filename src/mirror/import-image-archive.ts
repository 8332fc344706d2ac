import { readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import type { Descriptor } from "../oci/descriptor.ts";
import { parseDigest, sha256Digest, type Digest } from "../oci/digest.ts";
import { normalizeImageReference, parseImageReference } from "../oci/image-reference.ts";
import type { ImageConfig, ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { isIndexMediaType, MediaTypes } from "../oci/media-types.ts";
import { formatPlatform, normalizePlatform, platformsEqual, type Platform } from "../oci/platform.ts";
import type { BlobCache } from "./fetch-images.ts";
import { localRepository } from "./local-repository.ts";
import type { ResolvedImage } from "./resolve-image.ts";
import { openDecompressed } from "../util/open-decompressed.ts";

export class ImageArchiveError extends Error {
  override name = "ImageArchiveError";
}

/** An image found in an archive, and the archive's own blob files its blobs come from. */
interface ArchiveImage {
  readonly name: string;
  readonly top: { readonly digest: Digest; readonly mediaType: string; readonly bytes: Uint8Array };
}

/**
 * The images of an offline archive — a `docker save` tar or an OCI image layout tar (what
 * `skopeo copy … oci-archive:` and `docker save` from Docker 25 write), plain, gzip or zstd —
 * with the requested platforms each has, their blobs verified into the cache. ARCHIVE names the
 * file in messages. A multi-platform index is kept byte for byte (its other platforms left out,
 * as a mirror does); a docker save image becomes an OCI manifest of its uncompressed layers.
 *
 * @throws {ImageArchiveError} for an archive that is neither, is damaged, or names no image
 */
export async function importImageArchive(
  file: string,
  options: { readonly archive: string; readonly platforms: readonly Platform[]; readonly cache: BlobCache; readonly scratchDir: string },
): Promise<ResolvedImage[]> {
  const dir = options.scratchDir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    await extract(file, dir, options.archive);
    const blobFile = (digest: Digest) => {
      const { algorithm, hex } = parseDigest(digest);
      return join(dir, "blobs", algorithm, hex);
    };
    let images: ArchiveImage[];
    const written = new Map<Digest, string>();
    if (await Bun.file(join(dir, "index.json")).exists()) images = await readOciLayout(dir, blobFile, options.archive);
    else if (await Bun.file(join(dir, "manifest.json")).exists()) images = await readDockerSave(dir, written, options.archive);
    else throw new ImageArchiveError(`${options.archive}: neither a docker save archive (manifest.json) nor an OCI image layout (index.json)`);
    const source = (digest: Digest) => written.get(digest) ?? blobFile(digest);
    const resolved: ResolvedImage[] = [];
    for (const image of images) resolved.push(await resolveArchiveImage(image, source, options));
    return resolved;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function extract(file: string, dir: string, archive: string): Promise<void> {
  const input = await openDecompressed(file);
  const unpack = tar.x({ cwd: dir, strict: true, maxDecompressionRatio: Number.POSITIVE_INFINITY });
  try {
    await pipeline(input.chunks, unpack);
  } catch (error) {
    throw new ImageArchiveError(`${archive}: cannot unpack it as a tar archive (plain, gzip or zstd): ${(error as Error).message}`, { cause: error });
  } finally {
    input.close();
  }
}

async function readOciLayout(dir: string, blobFile: (digest: Digest) => string, archive: string): Promise<ArchiveImage[]> {
  const index = await readJson<ImageIndex>(join(dir, "index.json"), archive);
  return (index.manifests ?? []).map((descriptor) => {
    const annotations = descriptor.annotations ?? {};
    // docker save names the image in containerd's annotation; skopeo's oci-archive in ref.name
    const name = annotations["io.containerd.image.name"] ?? annotations["org.opencontainers.image.ref.name"];
    if (!name || !/[:/@]/.test(name)) {
      throw new ImageArchiveError(`${archive}: the image ${descriptor.digest} has no full name (io.containerd.image.name or a ref.name such as nginx:1.25): write the archive with a name`);
    }
    return { name, top: { digest: descriptor.digest, mediaType: descriptor.mediaType, bytes: readVerified(blobFile(descriptor.digest), descriptor.digest, archive) } };
  });
}

/** docker save: each entry's config and layers, as an OCI manifest (layers uncompressed, as saved). */
async function readDockerSave(dir: string, written: Map<Digest, string>, archive: string): Promise<ArchiveImage[]> {
  const entries = await readJson<{ Config: string; RepoTags?: string[] | null; Layers: string[] }[]>(join(dir, "manifest.json"), archive);
  const images: ArchiveImage[] = [];
  for (const entry of entries) {
    const tags = entry.RepoTags ?? [];
    if (tags.length === 0) throw new ImageArchiveError(`${archive}: an image in it has no RepoTags (it was saved by ID): save it by name`);
    const describe = async (path: string, mediaType: string): Promise<Descriptor> => {
      const file = join(dir, path);
      const digest = await hashFile(file);
      written.set(digest, file);
      return { mediaType, digest, size: Bun.file(file).size };
    };
    const config = await describe(entry.Config, MediaTypes.ociConfig);
    const layers: Descriptor[] = [];
    for (const layer of entry.Layers) layers.push(await describe(layer, MediaTypes.ociLayer));
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers };
    const bytes = new TextEncoder().encode(JSON.stringify(manifest));
    for (const name of tags) images.push({ name, top: { digest: sha256Digest(bytes), mediaType: MediaTypes.ociManifest, bytes } });
  }
  return images;
}

async function resolveArchiveImage(
  image: ArchiveImage,
  source: (digest: Digest) => string,
  options: { readonly archive: string; readonly platforms: readonly Platform[]; readonly cache: BlobCache },
): Promise<ResolvedImage> {
  let reference;
  try {
    reference = parseImageReference(normalizeImageReference(image.name));
  } catch (error) {
    throw new ImageArchiveError(`${options.archive}: "${image.name}" is not an image name: ${(error as Error).message}`, { cause: error });
  }
  const manifestBytes = new Map<Digest, Uint8Array>([[image.top.digest, image.top.bytes]]);
  const manifests: ImageManifest[] = [];
  const found: Platform[] = [];
  let available: Platform[] = [];
  if (isIndexMediaType(image.top.mediaType) || isIndexMediaType(parse<{ mediaType?: string }>(image.top.bytes, options.archive).mediaType)) {
    const index = parse<ImageIndex>(image.top.bytes, options.archive);
    const children = index.manifests.filter((child) => child.platform && child.platform.os !== "unknown");
    available = children.map((child) => normalizePlatform(child.platform!));
    for (const platform of options.platforms) {
      const child = children.find((candidate) => platformsEqual(normalizePlatform(candidate.platform!), platform));
      if (!child) continue;
      found.push(platform);
      const bytes = readVerified(source(child.digest), child.digest, options.archive);
      manifestBytes.set(child.digest, bytes);
      manifests.push(parse<ImageManifest>(bytes, options.archive));
    }
  } else {
    const manifest = parse<ImageManifest>(image.top.bytes, options.archive);
    manifests.push(manifest);
    const config = parse<Partial<ImageConfig>>(readVerified(source(manifest.config.digest), manifest.config.digest, options.archive), options.archive);
    const own = normalizePlatform({ os: config.os ?? "linux", architecture: config.architecture ?? "amd64", ...(config.variant ? { variant: config.variant } : {}) });
    available = [own];
    const matching = options.platforms.find((platform) => platformsEqual(platform, own));
    if (matching) found.push(matching);
  }
  if (found.length === 0) {
    throw new ImageArchiveError(
      `${options.archive}: ${image.name} has no ${options.platforms.map(formatPlatform).join(" or ")}, only ${available.map(formatPlatform).join(", ") || "no platform"}`,
    );
  }
  const blobs = new Map<Digest, Descriptor>();
  for (const manifest of manifests) for (const blob of [manifest.config, ...manifest.layers]) blobs.set(blob.digest, blob);
  for (const [digest, bytes] of manifestBytes) await writeCache(options.cache, digest, bytes);
  for (const digest of blobs.keys()) await copyVerified(source(digest), digest, options.cache, options.archive);
  return {
    reference,
    source: normalizeImageReference(image.name),
    repository: localRepository(reference),
    ...(reference.tag ? { tag: reference.tag } : {}),
    digest: image.top.digest,
    manifests: [...manifestBytes.keys()],
    blobs: [...blobs.keys()],
    manifestBytes,
    blobDescriptors: [...blobs.values()],
    platforms: found,
    missingPlatforms: options.platforms.filter((platform) => !found.some((has) => platformsEqual(has, platform))),
    availablePlatforms: available,
  };
}

function readVerified(file: string, digest: Digest, archive: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch {
    throw new ImageArchiveError(`${archive}: it lacks the blob ${digest}`);
  }
  if (sha256Digest(bytes) !== digest) throw new ImageArchiveError(`${archive}: the blob ${digest} does not match its digest: the archive is damaged`);
  return bytes;
}

/** Stream FILE into the cache as DIGEST, checking it on the way; nothing is visible unless it matches. */
async function copyVerified(file: string, digest: Digest, cache: BlobCache, archive: string): Promise<void> {
  const target = cache.path(digest);
  if (await Bun.file(target).exists()) return;
  if (!(await Bun.file(file).exists())) throw new ImageArchiveError(`${archive}: it lacks the blob ${digest}`);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.import-${process.pid}`;
  const hasher = new Bun.CryptoHasher("sha256");
  const sink = Bun.file(partial).writer();
  try {
    for await (const chunk of Bun.file(file).stream()) {
      hasher.update(chunk);
      sink.write(chunk);
    }
    await sink.end();
    if (`sha256:${hasher.digest("hex")}` !== digest) throw new ImageArchiveError(`${archive}: the blob ${digest} does not match its digest: the archive is damaged`);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

async function writeCache(cache: BlobCache, digest: Digest, bytes: Uint8Array): Promise<void> {
  const target = cache.path(digest);
  if (await Bun.file(target).exists()) return;
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.import-${process.pid}`;
  await Bun.write(partial, bytes);
  await rename(partial, target);
}

async function hashFile(file: string): Promise<Digest> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(file).stream()) hasher.update(chunk);
  return `sha256:${hasher.digest("hex")}`;
}

async function readJson<T>(file: string, archive: string): Promise<T> {
  return parse<T>(await Bun.file(file).bytes(), archive);
}

function parse<T>(bytes: Uint8Array, archive: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new ImageArchiveError(`${archive}: a manifest in it is not JSON`, { cause: error });
  }
}
