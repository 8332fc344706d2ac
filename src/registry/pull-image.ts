import { mkdir } from "node:fs/promises";
import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { formatImageReference, type ImageReference } from "../oci/image-reference.ts";
import { isIndexMediaType, isManifestMediaType, MediaTypes } from "../oci/media-types.ts";
import { formatPlatform, normalizePlatform, platformsEqual, type Platform } from "../oci/platform.ts";
import { serializeJson } from "../oci/image-manifest.ts";
import type { OciStore } from "../store/oci-store.ts";
import { acquireLock } from "../store/store-lock.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";
import { downloadBlob } from "./download-blob.ts";
import type { RegistryClient } from "./registry-client.ts";

export interface PullReporter {
  imageResolved(image: string, bytesToFetch: number): void;
  progress(image: string, bytes: number): void;
  imageDone(image: string): void;
}

export interface PullOptions {
  /** Keep only these platforms of an index (a new, smaller index is written); default: all. */
  readonly platforms?: readonly Platform[];
  readonly reporter?: PullReporter;
  readonly concurrency?: number;
}

/**
 * Copy an image from a registry into the store and name it: manifests as they are (so digests stay
 * the same), blobs resumed and verified like the mirror's. The name changes only once every blob is in.
 */
export async function pullImage(store: OciStore, client: RegistryClient, reference: ImageReference, options: PullOptions = {}): Promise<Descriptor> {
  const name = formatImageReference(reference);
  const lock = await acquireLock(store.contentLockPath, "shared");
  try {
    const top = await client.getManifest(reference.repository, reference.digest ?? reference.tag ?? "latest");
    const manifests: Descriptor[] = [];
    let descriptor: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
    if (isIndexMediaType(top.mediaType)) {
      const index = JSON.parse(new TextDecoder().decode(top.bytes)) as ImageIndex;
      const children = selectChildren(index, options.platforms, name);
      manifests.push(...children);
      if (children.length === index.manifests.length) {
        await store.writeBlob(top.bytes, top.mediaType);
      } else {
        const subset: ImageIndex = { ...index, manifests: children };
        descriptor = await store.writeBlob(serializeJson(subset), index.mediaType ?? MediaTypes.ociIndex);
      }
    } else if (isManifestMediaType(top.mediaType)) {
      manifests.push(descriptor);
    } else {
      throw new TypeError(`Cannot pull ${name}: its manifest has the unknown media type "${top.mediaType}"`);
    }

    const blobs = new Map<string, Descriptor>();
    for (const manifestDescriptor of manifests) {
      const fetched = manifestDescriptor.digest === top.digest ? top : await client.getManifest(reference.repository, manifestDescriptor.digest);
      await store.writeBlob(fetched.bytes, fetched.mediaType);
      const manifest = JSON.parse(new TextDecoder().decode(fetched.bytes)) as ImageManifest;
      for (const blob of [manifest.config, ...manifest.layers]) blobs.set(blob.digest, blob);
    }
    const missing: Descriptor[] = [];
    for (const blob of blobs.values()) if ((await store.blobSize(blob.digest)) !== blob.size) missing.push(blob);
    options.reporter?.imageResolved(name, missing.reduce((sum, blob) => sum + blob.size, 0));
    const limit = limitConcurrency(options.concurrency ?? 6);
    await mkdir(store.ingestDir, { recursive: true });
    await Promise.all(
      missing.map((blob) =>
        limit(() =>
          downloadBlob({
            client,
            repository: reference.repository,
            digest: blob.digest,
            size: blob.size,
            target: store.blobPath(blob.digest),
            partial: store.partialBlobPath(blob.digest),
            onProgress: (bytes) => options.reporter?.progress(name, bytes),
          }),
        ),
      ),
    );
    options.reporter?.imageDone(name);
    await store.tag(name, descriptor);
    return descriptor;
  } finally {
    lock.release();
  }
}

function selectChildren(index: ImageIndex, platforms: readonly Platform[] | undefined, name: string): Descriptor[] {
  if (!platforms) return [...index.manifests];
  return platforms.map((platform) => {
    const child = index.manifests.find((candidate) => candidate.platform && platformsEqual(normalizePlatform(candidate.platform), platform));
    if (!child) throw new TypeError(`Cannot pull ${name} for ${formatPlatform(platform)}: the image has no manifest for it`);
    return child;
  });
}
