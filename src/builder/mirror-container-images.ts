import { stat } from "node:fs/promises";
import { distributionFiles, type DistributionFile } from "../mirror/distribution-files.ts";
import { fetchImages, type FetchImagesOptions } from "../mirror/fetch-images.ts";
import { storeBlobCache } from "../mirror/store-blob-cache.ts";
import type { ResolvedImage } from "../mirror/resolve-image.ts";
import { platformCoverage, type PlatformCoverage } from "../mirror/platform-coverage.ts";
import { normalizeImageReference, parseImageReference } from "../oci/image-reference.ts";
import { formatPlatform } from "../oci/platform.ts";
import { emptyFindings, type ImageSource } from "../scan/image-source.ts";
import { mergeFindings, type ScanReport } from "../scan/merge-findings.ts";
import { join } from "node:path";
import { discoverRootfsImages } from "./discover-rootfs-images.ts";
import { loadImageArchives } from "./load-image-archives.ts";
import { mergePlatformGaps, type ImagePlatformGap } from "./platform-gaps.ts";
import type { ChartScanner, DiscoveryOptions } from "./discover-images.ts";
import { chainKey, hashEntries } from "./hash-entries.ts";
import { addParentDirectories, type LayerEntry } from "./layer-entry.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { appendLayer, produceLayer, UNCOMPRESSED, type LayerContext } from "./produce-layer.ts";
import type { CacheRecord } from "../store/build-cache.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";

/** Where the cluster registry's storage sits in the rootfs. */
export const REGISTRY_DIR = "registry";
/** The label base images carry with their Kubernetes version; charts are rendered for it. */
const KUBE_VERSION_LABEL = "cluster.alpha.sealer.io/cluster-runtime-version";

/** Blobs at least this big get a layer of their own, so cluster images that share them share the layer. */
export const OWN_LAYER_THRESHOLD = 1024 * 1024;
/** Registry blob layers written at once: each holds about 2 MiB of buffers. */
const BLOB_LAYERS_AT_ONCE = 3;

export interface ContainerImageOptions extends LayerContext {
  /** Images named outside the image (--image-list files), already parsed. */
  readonly extraImages: readonly string[];
  readonly fetch: Omit<FetchImagesOptions, "cache" | "platforms">;
  /** How the rootfs is searched for images: user rules, warnings. */
  readonly discovery?: DiscoveryOptions;
  /** Renders and scans charts, for the Kubernetes version the image is for (from its labels). */
  readonly chartScanner?: (kubeVersion: string | undefined) => ChartScanner;
  /** Images matching these are left out (--ignore-image). */
  readonly isIgnored?: (image: string) => boolean;
  /** Mirror candidates too (--include-candidates). */
  readonly includeCandidates?: boolean;
  /** Scratch folder for unpacking the parts of the rootfs that discovery reads. */
  readonly scratchDir: string;
}

export interface ContainerImageResult {
  /** What discovery found, with provenance (the build report's `scan`). */
  readonly report: ScanReport;
  readonly images: readonly ResolvedImage[];
  readonly skipped: readonly { readonly image: string; readonly reason: string }[];
  /** Which build platform each mirrored image has. */
  readonly coverage: PlatformCoverage;
  /** The mirrored images that lack a build platform, with the workloads that use them. */
  readonly gaps: readonly ImagePlatformGap[];
}

/**
 * The lite build's mirror step: every image discovery finds in the rootfs (manifests, charts, apps,
 * imageList files) or --image-list names, for every platform of the build, lands in `registry/` in
 * distribution's layout. Each large blob is a layer of its own (stored as a plain tar, since blobs
 * are compressed already); links and small blobs share one more. Every platform gets the same
 * layers, so a mixed-arch cluster's registry serves every node. Images the base image's registry
 * already holds are not fetched.
 */
export async function mirrorContainerImages(states: readonly PlatformBuildState[], options: ContainerImageOptions): Promise<ContainerImageResult> {
  const first = states[0];
  const findings = emptyFindings();
  for (const image of options.extraImages) findings.images.push({ image, source: { file: "--image-list", rule: "image-list" } });
  for (const [index, state] of states.entries()) {
    const kubeVersion = state.labels.get(KUBE_VERSION_LABEL);
    const discovery = { ...options.discovery, ...(options.chartScanner ? { scanChart: options.chartScanner(kubeVersion) } : {}) };
    const found = await discoverRootfsImages(options.store, state, join(options.scratchDir, `discover-${index}`), discovery);
    findings.images.push(...found.images);
    findings.candidates.push(...found.candidates);
  }
  const report = mergeFindings(findings, options.isIgnored);
  const wanted = [...report.images, ...(options.includeCandidates ? report.candidates : [])];
  const cache = storeBlobCache(options.store);
  const archived = await loadImageArchives(states, { store: options.store, cache, scratchDir: options.scratchDir, reporter: options.reporter });
  // an image an archive brings is not fetched, whatever else names it
  const fromArchives = new Set(archived.map((image) => image.source));
  const missing = first ? wanted.filter((entry) => !alreadyInRegistry(first, entry.image) && !fromArchives.has(normalizedName(entry.image))) : [];
  const platforms = states.map((state) => state.platform);
  if (missing.length === 0 && archived.length === 0) return { report, images: [], skipped: [], coverage: platformCoverage([], platforms), gaps: [] };

  if (missing.length > 0) options.reporter.log(`Mirroring ${missing.length} container images for ${platforms.map(formatPlatform).join(", ")}`);
  const fetched =
    missing.length > 0 ? await fetchImages(missing.map((entry) => entry.image), { ...options.fetch, cache, platforms }) : { images: [], skipped: [] };
  const images = [...fetched.images, ...archived];
  const files = distributionFiles(images);

  const small: LayerEntry[] = [];
  const own: { readonly digest: string; readonly entry: LayerEntry }[] = [];
  for (const file of files) {
    const entry = await fileEntry(file, cache.path);
    if (file.kind === "blob" && entry.size >= OWN_LAYER_THRESHOLD) own.push({ digest: file.digest, entry });
    else small.push(entry);
  }
  // independent of each other: written a few at once (reads and writes overlap), appended in order
  const limit = limitConcurrency(BLOB_LAYERS_AT_ONCE);
  const written = await Promise.allSettled(own.map(({ digest, entry }) => limit(() => produceLayer(options, chainKey("lade-registry-blob-v1", digest), async () => withParents([entry]), UNCOMPRESSED))));
  const failed = written.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  for (const [index, result] of written.entries()) {
    for (const state of states) appendLayer(state, (result as PromiseFulfilledResult<CacheRecord>).value, `lade: registry blob ${own[index]!.digest}`);
  }
  if (small.length > 0) {
    const key = chainKey("lade-registry-index-v1", await hashEntries(small));
    const record = await produceLayer(options, key, async () => withParents(small));
    for (const state of states) appendLayer(state, record, `lade: registry of ${images.length} container images`);
  }
  const appOf = new Map(wanted.map((entry) => [entry.image, appName(entry.sources)]));
  const sourcesOf = new Map(wanted.map((entry) => [entry.image, entry.sources]));
  const coverage = platformCoverage(images, platforms);
  const gaps = coverage.gaps.map((gap) => ({ ...gap, usedBy: sourcesOf.get(gap.image) ?? [] }));
  for (const state of states) {
    state.platformGaps = mergePlatformGaps(state.platformGaps, gaps);
    for (const image of images) {
      const app = appOf.get(image.source);
      for (const platform of image.platforms) {
        state.containerImages.push({
          image: image.source,
          ...(app ? { appName: app } : {}),
          platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) },
        });
      }
    }
  }
  return { report, images, skipped: fetched.skipped, coverage, gaps };
}

function normalizedName(image: string): string {
  try {
    return normalizeImageReference(image);
  } catch {
    return image;
  }
}

/** sealer records which app an image belongs to: the app folder it was found in. */
function appName(sources: readonly ImageSource[]): string | undefined {
  for (const source of sources) {
    const match = /^application\/apps\/([^/]+)\//.exec(source.file);
    if (match) return match[1];
  }
  return undefined;
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
