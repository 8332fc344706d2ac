import { stat } from "node:fs/promises";
import { distributionFiles, type DistributionFile } from "../mirror/distribution-files.ts";
import { fetchImages, type FetchImagesOptions } from "../mirror/fetch-images.ts";
import { storeBlobCache } from "../mirror/store-blob-cache.ts";
import type { ResolvedImage } from "../mirror/resolve-image.ts";
import { parseImageReference } from "../oci/image-reference.ts";
import { formatPlatform } from "../oci/platform.ts";
import { parseImageList } from "../scan/parse-image-list.ts";
import { chainKey, hashEntries } from "./hash-entries.ts";
import { addParentDirectories, type LayerEntry } from "./layer-entry.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { appendLayer, produceLayer, type LayerContext } from "./produce-layer.ts";
import { readRootfsFile } from "./read-rootfs-file.ts";

/** Where the cluster registry's storage sits in the rootfs. */
export const REGISTRY_DIR = "registry";
/** Image lists the build reads from the rootfs. */
export const ROOTFS_IMAGE_LISTS = ["manifests/imageList", "imageList"];
/** Blobs at least this big get a layer of their own, so cluster images that share them share the layer. */
export const OWN_LAYER_THRESHOLD = 1024 * 1024;

export interface ContainerImageOptions extends LayerContext {
  /** Images named outside the image (--image-list files), already parsed. */
  readonly extraImages: readonly string[];
  readonly fetch: Omit<FetchImagesOptions, "cache" | "platforms">;
}

/**
 * The lite build's mirror step: every image the rootfs's imageList files and --image-list name,
 * for every platform of the build, lands in `registry/` in distribution's layout. Each large blob
 * is a layer of its own (stored as a plain tar, since blobs are compressed already); links and
 * small blobs share one more. Every platform gets the same layers, so a mixed-arch cluster's
 * registry serves every node. Images the base image's registry already holds are not fetched.
 */
export async function mirrorContainerImages(states: readonly PlatformBuildState[], options: ContainerImageOptions): Promise<{ images: readonly ResolvedImage[]; skipped: readonly { image: string; reason: string }[] }> {
  const first = states[0];
  if (!first) return { images: [], skipped: [] };
  const wanted = new Set(options.extraImages);
  for (const state of states) {
    for (const path of ROOTFS_IMAGE_LISTS) {
      const text = await readRootfsFile(options.store, state, path);
      if (text !== undefined) for (const entry of parseImageList(text, `${path} (in the image)`)) wanted.add(entry.image);
    }
  }
  const missing = [...wanted].filter((image) => !alreadyInRegistry(first, image));
  if (missing.length === 0) return { images: [], skipped: [] };

  options.reporter.log(`Mirroring ${missing.length} container images for ${states.map((s) => formatPlatform(s.platform)).join(", ")}`);
  const cache = storeBlobCache(options.store);
  const fetched = await fetchImages(missing, { ...options.fetch, cache, platforms: states.map((state) => state.platform) });
  const files = distributionFiles(fetched.images);

  const small: LayerEntry[] = [];
  for (const file of files) {
    const entry = await fileEntry(file, cache.path);
    if (file.kind === "blob" && entry.size >= OWN_LAYER_THRESHOLD) {
      const record = await produceLayer(options, chainKey("lade-registry-blob-v1", file.digest), async () => withParents([entry]), "none");
      for (const state of states) appendLayer(state, record, `lade: registry blob ${file.digest}`);
    } else {
      small.push(entry);
    }
  }
  if (small.length > 0) {
    const key = chainKey("lade-registry-index-v1", await hashEntries(small));
    const record = await produceLayer(options, key, async () => withParents(small));
    for (const state of states) appendLayer(state, record, `lade: registry of ${fetched.images.length} container images`);
  }
  for (const state of states) {
    for (const image of fetched.images) {
      for (const platform of image.platforms) {
        state.containerImages.push({ image: image.source, platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) } });
      }
    }
  }
  return fetched;
}

function alreadyInRegistry(state: PlatformBuildState, image: string): boolean {
  const reference = parseImageReference(image);
  const repository = `${REGISTRY_DIR}/docker/registry/v2/repositories/${reference.repository}/_manifests`;
  const link = reference.digest
    ? `${repository}/revisions/${reference.digest.replace(":", "/")}/link`
    : `${repository}/tags/${reference.tag ?? "latest"}/current/link`;
  return state.rootfs.get(link) !== undefined;
}

async function fileEntry(file: DistributionFile, blobPath: (digest: DistributionFile["digest"]) => string): Promise<LayerEntry> {
  const path = `${REGISTRY_DIR}/${file.path}`;
  if (file.kind === "link") {
    const content = new TextEncoder().encode(file.digest);
    return { path, type: "file", mode: 0o644, size: content.length, content };
  }
  const source = blobPath(file.digest);
  return { path, type: "file", mode: 0o644, size: (await stat(source)).size, source };
}

function withParents(entries: readonly LayerEntry[]): LayerEntry[] {
  const map = new Map(entries.map((entry) => [entry.path, entry]));
  addParentDirectories(map, () => 0o755);
  return [...map.values()];
}
