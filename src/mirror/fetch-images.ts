import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import type { Platform } from "../oci/platform.ts";
import { downloadBlob } from "../registry/download-blob.ts";
import type { RegistryClient } from "../registry/registry-client.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";
import type { MirrorReporter } from "./mirror-reporter.ts";
import { PlatformGapError, platformGaps } from "./platform-coverage.ts";
import type { ResolvedImage } from "./resolve-image.ts";
import { resolveImages, type ResolvedImages } from "./resolve-images.ts";

/** Where fetched blobs live: a content-addressed cache, and resumable partial downloads. */
export interface BlobCache {
  path(digest: Digest): string;
  partialPath(digest: Digest): string;
}

export interface FetchImagesOptions {
  readonly platforms: readonly Platform[];
  readonly client: (registry: string) => Promise<RegistryClient>;
  readonly cache: BlobCache;
  readonly reporter: MirrorReporter;
  /** Leave out images that cannot be fetched (listed in the result) instead of failing. */
  readonly skipMissing?: boolean;
  /** Fail, before any blob is fetched, when an image lacks a requested platform (all such images listed). */
  readonly strictPlatforms?: boolean;
  /** Parallel blob downloads per registry. Default 6. */
  readonly concurrency?: number;
}

export type FetchedImages = ResolvedImages;

/**
 * Resolve every image for every requested platform it has and bring all their blobs into the cache: each blob once
 * however many images share it, in parallel per registry, verified before it is visible.
 */
export async function fetchImages(references: readonly string[], options: FetchImagesOptions): Promise<FetchedImages> {
  const { images, skipped } = await resolveImages(references, options);
  checkCollisions(images);
  const gaps = platformGaps(images);
  if (options.strictPlatforms && gaps.length > 0) throw new PlatformGapError(gaps);

  for (const image of images) {
    for (const [digest, bytes] of image.manifestBytes) await writeCached(options.cache, digest, bytes);
  }
  const owners = new Map<Digest, { image: ResolvedImage; descriptor: Descriptor }>();
  for (const image of images) {
    for (const descriptor of image.blobDescriptors) {
      if (!owners.has(descriptor.digest)) owners.set(descriptor.digest, { image, descriptor });
    }
  }
  // Progress is told per image: each blob counts for the first image that needs it.
  const perImage = new Map<ResolvedImage, { bytes: number; blobs: number }>(images.map((image) => [image, { bytes: 0, blobs: 0 }]));
  const pending: { image: ResolvedImage; descriptor: Descriptor }[] = [];
  for (const owner of owners.values()) {
    if (await Bun.file(options.cache.path(owner.descriptor.digest)).exists()) continue;
    pending.push(owner);
    const counts = perImage.get(owner.image)!;
    counts.bytes += owner.descriptor.size;
    counts.blobs += 1;
  }
  for (const [image, counts] of perImage) {
    options.reporter.imageResolved(image.source, counts.bytes);
    if (counts.blobs === 0) options.reporter.imageDone(image.source);
  }

  const limits = new Map<string, ReturnType<typeof limitConcurrency>>();
  const directories = new Map<string, Promise<unknown>>();
  const ensureDirectory = (path: string) => {
    let made = directories.get(path);
    if (!made) directories.set(path, (made = mkdir(path, { recursive: true })));
    return made;
  };

  await Promise.all(
    pending.map(({ image, descriptor }) => {
      const registry = image.reference.registry;
      let limit = limits.get(registry);
      if (!limit) limits.set(registry, (limit = limitConcurrency(options.concurrency ?? 6)));
      return limit(async () => {
        const target = options.cache.path(descriptor.digest);
        await ensureDirectory(dirname(target));
        await ensureDirectory(dirname(options.cache.partialPath(descriptor.digest)));
        try {
          await downloadBlob({
            client: await options.client(registry),
            repository: image.reference.repository,
            digest: descriptor.digest,
            size: descriptor.size,
            target,
            partial: options.cache.partialPath(descriptor.digest),
            onProgress: (bytes) => options.reporter.progress(image.source, bytes),
          });
        } catch (error) {
          throw new Error(`Cannot mirror ${image.source}: blob ${descriptor.digest}: ${(error as Error).message}`, { cause: error });
        }
        const counts = perImage.get(image)!;
        counts.blobs -= 1;
        if (counts.blobs === 0) options.reporter.imageDone(image.source);
      });
    }),
  );
  return { images, skipped };
}

/** Two different images must not end up under the same repository and tag. */
function checkCollisions(images: readonly ResolvedImage[]): void {
  const byTag = new Map<string, ResolvedImage>();
  for (const image of images) {
    if (!image.tag) continue;
    const key = `${image.repository}:${image.tag}`;
    const other = byTag.get(key);
    if (other && other.digest !== image.digest) {
      throw new Error(`Cannot mirror both ${other.source} and ${image.source}: both would be stored as "${key}" in the cluster registry`);
    }
    byTag.set(key, image);
  }
}

async function writeCached(cache: BlobCache, digest: Digest, bytes: Uint8Array): Promise<void> {
  const target = cache.path(digest);
  if (await Bun.file(target).exists()) return;
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, target);
}
