import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageConfig, ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { isIndexMediaType } from "../oci/media-types.ts";
import { normalizePlatform, type Platform } from "../oci/platform.ts";
import type { ImageContent } from "./image-content.ts";

export interface PlatformImage {
  readonly descriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly platform: Platform;
}

/** An image in the store with everything but its layers read: the index (if any) and each platform. */
export interface StoredImage {
  readonly descriptor: Descriptor;
  readonly index?: ImageIndex;
  readonly platforms: readonly PlatformImage[];
}

export async function readImage(store: ImageContent, descriptor: Descriptor): Promise<StoredImage> {
  if (!isIndexMediaType(descriptor.mediaType)) {
    return { descriptor, platforms: [await readPlatformImage(store, descriptor)] };
  }
  const index = await store.readJson<ImageIndex>(descriptor.digest);
  const platforms = await Promise.all(index.manifests.map((child) => readPlatformImage(store, child)));
  return { descriptor, index, platforms };
}

async function readPlatformImage(store: ImageContent, descriptor: Descriptor): Promise<PlatformImage> {
  const manifest = await store.readJson<ImageManifest>(descriptor.digest);
  const config = await store.readJson<ImageConfig>(manifest.config.digest);
  const platform = normalizePlatform({
    os: config.os,
    architecture: config.architecture,
    variant: config.variant,
  });
  return { descriptor, manifest, config, platform };
}

/** Every blob an image needs: index, manifests, configs and layers. */
export function imageBlobs(image: StoredImage): Descriptor[] {
  const blobs: Descriptor[] = [image.descriptor];
  for (const platform of image.platforms) {
    if (platform.descriptor.digest !== image.descriptor.digest) blobs.push(platform.descriptor);
    blobs.push(platform.manifest.config, ...platform.manifest.layers);
  }
  return blobs;
}
