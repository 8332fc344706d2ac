import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { imageBlobs, readImage, type PlatformImage } from "../store/read-image.ts";
import { formatPlatform } from "../oci/platform.ts";
import { inspectImage, type InspectedPlatform } from "./inspect-image.ts";
import { isRegistryLink, listImageFiles, type ImageFile, type LayerListingCache } from "./list-image-files.ts";

export interface MapChanges {
  readonly added: Record<string, string>;
  readonly removed: Record<string, string>;
  readonly changed: Record<string, { readonly old: string; readonly new: string }>;
}

export interface PlatformDiff {
  readonly platform: string;
  readonly layers: { readonly added: readonly { digest: string; size: number }[]; readonly removed: readonly { digest: string; size: number }[] };
  /** Files outside registry/ (container images are compared apart). */
  readonly files: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
  /** `repository:tag` in the image's registry → manifest digest. */
  readonly containerImages: MapChanges;
  readonly labels: MapChanges;
  readonly env: MapChanges;
  readonly apps: MapChanges;
  readonly launch?: { readonly old: unknown; readonly new: unknown };
}

/** `lade diff --json`: a stable contract. */
export interface ImageDiff {
  readonly old: { readonly name: string; readonly digest: string };
  readonly new: { readonly name: string; readonly digest: string };
  readonly platforms: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly changes: readonly PlatformDiff[];
  /** What an update from OLD to NEW carries: the blobs NEW has that OLD lacks. */
  readonly update: { readonly blobs: number; readonly bytes: number };
}

/** Compare two images of the store, platform by platform. */
export async function diffImages(store: OciStore, older: TaggedImage, newer: TaggedImage): Promise<ImageDiff> {
  const [oldImage, newImage] = await Promise.all([readImage(store, older.descriptor), readImage(store, newer.descriptor)]);
  const [oldInspect, newInspect] = await Promise.all([inspectImage(store, older.descriptor), inspectImage(store, newer.descriptor)]);
  const platformsOf = (image: typeof oldImage) => new Map(image.platforms.map((platform) => [formatPlatform(platform.platform), platform]));
  const oldPlatforms = platformsOf(oldImage);
  const newPlatforms = platformsOf(newImage);
  const changes: PlatformDiff[] = [];
  const layers: LayerListingCache = new Map(); // two versions, and the platforms of each, share most layers
  for (const [platform, newPlatform] of newPlatforms) {
    const oldPlatform = oldPlatforms.get(platform);
    if (!oldPlatform) continue;
    const oldInspected = oldInspect.platforms.find((entry) => entry.platform === platform)!;
    const newInspected = newInspect.platforms.find((entry) => entry.platform === platform)!;
    changes.push(await diffPlatform(store, platform, oldPlatform, newPlatform, oldInspected, newInspected, layers));
  }
  const oldBlobs = new Set(imageBlobs(oldImage).map((blob) => blob.digest));
  const carried = imageBlobs(newImage).filter((blob, index, all) => !oldBlobs.has(blob.digest) && all.findIndex((other) => other.digest === blob.digest) === index);
  return {
    old: { name: older.name, digest: older.descriptor.digest },
    new: { name: newer.name, digest: newer.descriptor.digest },
    platforms: {
      added: [...newPlatforms.keys()].filter((platform) => !oldPlatforms.has(platform)),
      removed: [...oldPlatforms.keys()].filter((platform) => !newPlatforms.has(platform)),
    },
    changes,
    update: { blobs: carried.length, bytes: carried.reduce((sum, blob) => sum + blob.size, 0) },
  };
}

async function diffPlatform(
  store: OciStore,
  platform: string,
  oldPlatform: PlatformImage,
  newPlatform: PlatformImage,
  oldInspected: InspectedPlatform,
  newInspected: InspectedPlatform,
  layers: LayerListingCache,
): Promise<PlatformDiff> {
  const oldLayers = new Set(oldPlatform.manifest.layers.map((layer) => layer.digest));
  const newLayers = new Set(newPlatform.manifest.layers.map((layer) => layer.digest));
  const [oldFiles, newFiles] = await Promise.all([listImageFiles(store, oldPlatform, isRegistryLink, layers), listImageFiles(store, newPlatform, isRegistryLink, layers)]);
  const outside = (path: string) => path !== "registry" && !path.startsWith("registry/");
  const same = (a: ImageFile, b: ImageFile) => a.type === b.type && a.mode === b.mode && a.content === b.content;
  const launch = JSON.stringify(oldInspected.launch ?? null) === JSON.stringify(newInspected.launch ?? null) ? undefined : { old: oldInspected.launch ?? null, new: newInspected.launch ?? null };
  return {
    platform,
    layers: {
      added: newPlatform.manifest.layers.filter((layer) => !oldLayers.has(layer.digest)).map(({ digest, size }) => ({ digest, size })),
      removed: oldPlatform.manifest.layers.filter((layer) => !newLayers.has(layer.digest)).map(({ digest, size }) => ({ digest, size })),
    },
    files: {
      added: [...newFiles.keys()].filter((path) => outside(path) && !oldFiles.has(path)).sort(),
      removed: [...oldFiles.keys()].filter((path) => outside(path) && !newFiles.has(path)).sort(),
      changed: [...newFiles.keys()].filter((path) => outside(path) && oldFiles.has(path) && !same(oldFiles.get(path)!, newFiles.get(path)!)).sort(),
    },
    containerImages: diffMaps(registryTags(oldFiles), registryTags(newFiles)),
    labels: diffMaps(oldInspected.labels, newInspected.labels),
    env: diffMaps(oldInspected.env, newInspected.env),
    apps: diffMaps(appSummaries(oldInspected), appSummaries(newInspected)),
    ...(launch ? { launch } : {}),
  };
}

function registryTags(files: Map<string, ImageFile>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [path, file] of files) {
    const match = /^registry\/docker\/registry\/v2\/repositories\/(.+)\/_manifests\/tags\/([^/]+)\/current\/link$/.exec(path);
    if (match && file.text) tags[`${match[1]}:${match[2]}`] = file.text.trim();
  }
  return tags;
}

function appSummaries(platform: InspectedPlatform): Record<string, string> {
  return Object.fromEntries(platform.applications.map((app) => [app.name, JSON.stringify(app)]));
}

function diffMaps(older: Record<string, string>, newer: Record<string, string>): MapChanges {
  const added: Record<string, string> = {};
  const removed: Record<string, string> = {};
  const changed: Record<string, { old: string; new: string }> = {};
  for (const [key, value] of Object.entries(newer)) {
    if (!(key in older)) added[key] = value;
    else if (older[key] !== value) changed[key] = { old: older[key]!, new: value };
  }
  for (const [key, value] of Object.entries(older)) if (!(key in newer)) removed[key] = value;
  return { added, removed, changed };
}
