import { parse as parseYaml } from "yaml";
import { listImageFiles, type ImageFile, type LayerChange, type LayerListingCache } from "../builder/list-image-files.ts";
import type { ImageIndex, ImageManifest, ImageConfig } from "../oci/image-manifest.ts";
import { isIndexMediaType } from "../oci/media-types.ts";
import { formatPlatform, normalizePlatform } from "../oci/platform.ts";
import { parseProvenance, PROVENANCE_PATH, type ProvenanceEntry } from "../rootfs/provenance.ts";
import type { ImageContent } from "../store/image-content.ts";
import type { TaggedImage } from "../store/oci-store.ts";
import { readImage } from "../store/read-image.ts";

/**
 * What a cluster image holds, read from its layers alone (so it can be checked against an SBOM
 * anywhere): per platform every file with its sha256, the downloaded binaries lade rootfs
 * recorded (only where the file still is what was downloaded), the container images of its
 * registry with their platforms, and its Helm charts.
 */
export interface ImageInventory {
  readonly digest: string;
  /** The image config's `created` (SOURCE_DATE_EPOCH): the SBOM's timestamp, so it is reproducible. */
  readonly created?: string;
  readonly platforms: readonly PlatformInventory[];
}

export interface PlatformInventory {
  readonly platform: string;
  readonly digest: string;
  /** Regular files outside the registry's storage, sorted by path. */
  readonly files: readonly InventoryFile[];
  readonly binaries: readonly InventoryBinary[];
  readonly containerImages: readonly InventoryContainerImage[];
  readonly charts: readonly InventoryChart[];
}

export interface InventoryFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface InventoryBinary extends InventoryFile {
  readonly provenance: ProvenanceEntry;
}

export interface InventoryContainerImage {
  /** `repository:tag` as the image's registry serves it. */
  readonly reference: string;
  readonly repository: string;
  readonly tag: string;
  /** The manifest or index digest the tag points at. */
  readonly digest: string;
  readonly platforms: readonly string[];
}

export interface InventoryChart {
  /** The chart's folder in the rootfs. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
}

const REGISTRY_ROOT = "registry/docker/registry/v2/";
const TAG_LINK = /^registry\/docker\/registry\/v2\/repositories\/(.+)\/_manifests\/tags\/([^/]+)\/current\/link$/;
const REGISTRY_BLOB = /^registry\/docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/;
/** Manifests and configs are small; a registry blob this size or less is kept to read them. */
const SMALL_BLOB = 1024 * 1024;

export async function imageInventory(content: ImageContent, image: TaggedImage, known: ReadonlyMap<string, readonly LayerChange[]> = new Map()): Promise<ImageInventory> {
  const stored = await readImage(content, image.descriptor);
  const platforms: PlatformInventory[] = [];
  const layers: LayerListingCache = new Map(); // the platforms share the registry's layers
  // a layer just written need not be read back, unless it holds a file whose text the inventory reads
  for (const [digest, changes] of known) {
    if (!changes.some((change) => "path" in change && change.file.type === "file" && keepText(change.path, change.file.size))) layers.set(digest, Promise.resolve(changes));
  }
  for (const platform of stored.platforms) {
    const files = await listImageFiles(content, platform, keepText, layers);
    platforms.push(platformInventory(formatPlatform(platform.platform), platform.descriptor.digest, files));
  }
  const created = stored.platforms[0]?.config.created;
  return { digest: image.descriptor.digest, ...(created ? { created } : {}), platforms };
}

function keepText(path: string, size: number): boolean {
  if (TAG_LINK.test(path) || path === PROVENANCE_PATH || path.endsWith("/Chart.yaml") || path === "Chart.yaml") return true;
  return REGISTRY_BLOB.test(path) && size <= SMALL_BLOB;
}

/** Pure: the inventory of one platform from its files (and the texts kept of them). */
export function platformInventory(platform: string, digest: string, files: ReadonlyMap<string, ImageFile>): PlatformInventory {
  const provenance = parseProvenance(files.get(PROVENANCE_PATH)?.text ?? "");
  const recorded = new Map((provenance?.files ?? []).map((entry) => [entry.sha256, entry]));
  const listed: InventoryFile[] = [];
  const binaries: InventoryBinary[] = [];
  const charts: InventoryChart[] = [];
  for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (file.type !== "file" || path.startsWith(REGISTRY_ROOT)) continue;
    const entry = { path, sha256: file.content, size: file.size };
    listed.push(entry);
    // a file is the download recorded only while it has the recorded content (at the recorded path, if one was)
    const source = recorded.get(file.content);
    if (source && (source.path === undefined || source.path === path)) binaries.push({ ...entry, provenance: source });
    if (path === "Chart.yaml" || path.endsWith("/Chart.yaml")) {
      const chart = chartOf(path, file.text ?? "");
      if (chart) charts.push(chart);
    }
  }
  return { platform, digest, files: listed, binaries, containerImages: containerImages(files), charts };
}

function chartOf(path: string, text: string): InventoryChart | undefined {
  try {
    const chart = parseYaml(text) as { name?: unknown; version?: unknown } | null;
    if (typeof chart?.name !== "string" || chart.version === undefined) return undefined;
    return { path: path.slice(0, -"Chart.yaml".length).replace(/\/$/, "") || ".", name: chart.name, version: String(chart.version) };
  } catch {
    return undefined;
  }
}

function containerImages(files: ReadonlyMap<string, ImageFile>): InventoryContainerImage[] {
  const blobs = new Map<string, string>();
  for (const [path, file] of files) {
    const blob = REGISTRY_BLOB.exec(path);
    if (blob && file.text !== undefined) blobs.set(`sha256:${blob[1]}`, file.text);
  }
  const images: InventoryContainerImage[] = [];
  for (const [path, file] of files) {
    const link = TAG_LINK.exec(path);
    if (!link || file.text === undefined) continue;
    const digest = file.text.trim();
    images.push({ reference: `${link[1]}:${link[2]}`, repository: link[1]!, tag: link[2]!, digest, platforms: platformsOf(digest, blobs) });
  }
  return images.sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

/** The platforms of a manifest or index in the registry's storage ([] when it cannot be read there). */
function platformsOf(digest: string, blobs: ReadonlyMap<string, string>): string[] {
  const manifest = parseJson<ImageIndex & ImageManifest>(blobs.get(digest));
  if (!manifest) return [];
  if (isIndexMediaType(manifest.mediaType ?? "") || Array.isArray(manifest.manifests)) {
    return (manifest.manifests ?? []).flatMap((entry) => (entry.platform && entry.platform.architecture !== "unknown" ? [formatPlatform(normalizePlatform(entry.platform))] : []));
  }
  const config = parseJson<ImageConfig>(blobs.get(manifest.config?.digest ?? ""));
  return config?.architecture ? [formatPlatform(normalizePlatform({ os: config.os, architecture: config.architecture, variant: config.variant }))] : [];
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
