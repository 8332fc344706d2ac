import { mkdir, rm } from "node:fs/promises";
import { DEFAULT_LEVELS, type Compression } from "../compress/compression.ts";
import { join, resolve } from "node:path";
import type { FromInstruction, Instruction } from "../kubefile/instruction.ts";
import { parseKubefile } from "../kubefile/parse-kubefile.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import { parseImageReference } from "../oci/image-reference.ts";
import { pullImage } from "../registry/pull-image.ts";
import type { ImageIndex } from "../oci/image-manifest.ts";
import { serializeJson } from "../oci/image-manifest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { formatPlatform, type Platform } from "../oci/platform.ts";
import type { OciStore } from "../store/oci-store.ts";
import { acquireLock } from "../store/store-lock.ts";
import type { BuildReporter } from "./build-reporter.ts";
import { commitPlatformImage } from "./commit-platform-image.ts";
import { executeInstruction, type ExecutionContext } from "./execute-instructions.ts";
import { mirrorContainerImages, type ContainerImageOptions, type ContainerImageResult } from "./mirror-container-images.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import type { LayerContext } from "./produce-layer.ts";
import type { LayerChange } from "./list-image-files.ts";
import type { ImageExtension } from "./image-extension.ts";
import { loadContextFilter } from "./load-context-filter.ts";
import { startFromBase } from "./start-from-base.ts";
import { applyCloudRootfs } from "./apply-cloud-rootfs.ts";

export interface BuildOptions {
  readonly contextDir: string;
  /** Kubefile path; relative paths are taken from the current directory. Default: CONTEXT/Kubefile. */
  readonly kubefile?: string;
  /** Normalized names to tag the result with. */
  readonly tags: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platforms: readonly Platform[];
  readonly labels: Readonly<Record<string, string>>;
  readonly noCache: boolean;
  /** How layers are compressed (default gzip, level 6). */
  readonly compression?: Compression;
  /** Seconds since the epoch for every timestamp in the image (SOURCE_DATE_EPOCH). */
  readonly sourceDateEpoch: number;
  readonly imageType: ImageExtension["type"];
  /** Images to mirror besides those the rootfs's imageList files name (--image-list). */
  readonly extraImages?: readonly string[];
  /** Fail, tagging nothing, when a file of etc/, scripts/, plugins/, statics/ or images/ has no effect (--strict). */
  readonly strict?: boolean;
  /** How to reach registries, and how the mirror reports; without it no image can be mirrored. */
  readonly mirror?: Omit<ContainerImageOptions, keyof LayerContext | "extraImages" | "scratchDir">;
  /**
   * Runs once the image is complete, before any tag (signing it, --sign-key): throwing tags
   * nothing. `listings` holds what each layer this build wrote holds, so it need not be read back.
   */
  readonly beforeTag?: (descriptor: Descriptor, listings: ReadonlyMap<string, readonly LayerChange[]>) => Promise<void>;
}

export interface BuiltImage {
  readonly descriptor: Descriptor;
  readonly platforms: readonly Descriptor[];
  /** What discovery found and what was mirrored (absent when the mirror step did not run). */
  readonly containerImages?: ContainerImageResult;
  /** Rootfs files that have no effect on the nodes, and what sealer files' translation left out. */
  readonly findings: readonly string[];
}

/** `--strict`: files of the rootfs that would have no effect, all listed. */
export class UnusedFilesError extends Error {
  override name = "UnusedFilesError";
  constructor(readonly findings: readonly string[]) {
    super(`${findings.length} file${findings.length === 1 ? "" : "s"} of the rootfs would have no effect on the nodes (--strict):\n${findings.map((finding) => `  ${finding}`).join("\n")}`);
  }
}

/**
 * Build a cluster image from a Kubefile for each requested platform and tag it. The names change
 * only once every blob is in the store, so an interrupted build never leaves a tagged partial image.
 */
export async function buildImage(store: OciStore, options: BuildOptions, reporter: BuildReporter): Promise<BuiltImage> {
  const contextDir = resolve(options.contextDir);
  // Errors name the Kubefile as the user wrote it, the way a compiler names its input.
  const kubefileName = options.kubefile ?? join(options.contextDir, "Kubefile");
  const kubefilePath = resolve(kubefileName);
  const text = await Bun.file(kubefilePath)
    .text()
    .catch((error: unknown) => {
      throw new Error(`Cannot read the Kubefile "${kubefilePath}"`, { cause: error });
    });
  const filter = await loadContextFilter(contextDir);
  const scratchDir = join(store.ingestDir, `build-${process.pid}-${Date.now()}`);
  const contentLock = await acquireLock(store.contentLockPath, "shared", () =>
    reporter.log("Waiting for another lade process to finish cleaning the store"),
  );
  try {
    const listings = new Map<string, readonly LayerChange[]>();
    const layers = layerContext(store, options, reporter, listings);
    const states: PlatformBuildState[] = [];
    const findings = new Set<string>();
    const mirror = options.mirror;
    // Pulled once (all platforms) the first time a platform needs it; later platforms find it stored.
    const pullBase = mirror
      ? async (name: string) => {
          const reference = parseImageReference(name);
          return pullImage(store, await mirror.fetch.client(reference.registry), reference, { reporter: mirror.fetch.reporter });
        }
      : undefined;
    for (const platform of options.platforms) {
      const instructions = parseKubefile(text, { file: kubefileName, buildArgs: options.buildArgs, platform });
      states.push(
        await buildPlatform(store, instructions, platform, {
          contextDir,
          filter,
          buildArgs: options.buildArgs,
          ...layers,
          scratchDir: join(scratchDir, formatPlatform(platform).replaceAll("/", "-")),
        }, pullBase),
      );
      const cloudRootfs = await applyCloudRootfs(states.at(-1)!, layers);
      for (const finding of [...cloudRootfs.findings.map((entry) => entry.message), ...cloudRootfs.warnings]) {
        if (!findings.has(finding)) reporter.log(`warning: ${finding}`);
        findings.add(finding);
      }
    }
    if (options.strict && findings.size > 0) throw new UnusedFilesError([...findings]);
    const containerImages = await addContainerImages(layers, states, options, scratchDir);
    const manifests: Descriptor[] = [];
    for (const state of states) {
      manifests.push(
        await commitPlatformImage(store, state, {
          created: new Date(options.sourceDateEpoch * 1000).toISOString().replace(".000Z", "Z"),
          extraLabels: options.labels,
          imageType: options.imageType,
        }),
      );
    }
    const descriptor = manifests.length === 1 ? stripPlatform(manifests[0]!) : await writeIndex(store, manifests);
    await options.beforeTag?.(descriptor, listings);
    for (const tag of options.tags) await store.tag(tag, descriptor);
    return { descriptor, platforms: manifests, ...(containerImages ? { containerImages } : {}), findings: [...findings] };
  } finally {
    contentLock.release();
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function buildPlatform(
  store: OciStore,
  instructions: readonly Instruction[],
  platform: Platform,
  context: ExecutionContext,
  pullBase: ((name: string) => Promise<Descriptor>) | undefined,
): Promise<PlatformBuildState> {
  const from = instructions.find((instruction): instruction is FromInstruction => instruction.kind === "FROM");
  if (!from) throw new Error("Cannot build: the Kubefile has no FROM instruction");
  await mkdir(context.scratchDir, { recursive: true });
  const state = await startFromBase(store, from, platform, pullBase);
  const label = formatPlatform(platform);
  for (const [index, instruction] of instructions.entries()) {
    context.reporter.log(`[${label}] STEP ${index + 1}/${instructions.length}: ${instruction.text}`);
    await executeInstruction(instruction, state, context);
  }
  return state;
}

/**
 * Mirror the container images the image needs into its registry folder (all platforms at once).
 * Without `options.mirror` (library callers that only exercise the Kubefile) this step is skipped.
 */
async function addContainerImages(
  layers: LayerContext,
  states: readonly PlatformBuildState[],
  options: BuildOptions,
  scratchDir: string,
): Promise<ContainerImageResult | undefined> {
  if (!options.mirror) return undefined;
  const reporter = layers.reporter;
  const result = await mirrorContainerImages(states, {
    ...layers,
    extraImages: options.extraImages ?? [],
    scratchDir,
    ...options.mirror,
  });
  for (const skipped of result.skipped) reporter.log(`Skipped ${skipped.image}: ${skipped.reason}`);
  return result;
}

async function writeIndex(store: OciStore, manifests: readonly Descriptor[]): Promise<Descriptor> {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests };
  return store.writeBlob(serializeJson(index), MediaTypes.ociIndex);
}

function stripPlatform(descriptor: Descriptor): Descriptor {
  return { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
}

/** How every layer of this build is written and cached. */
function layerContext(store: OciStore, options: BuildOptions, reporter: BuildReporter, listings: Map<string, readonly LayerChange[]>): LayerContext {
  return { store, noCache: options.noCache, mtime: options.sourceDateEpoch, reporter, compression: options.compression ?? DEFAULT_LAYER_COMPRESSION, listings };
}

/** gzip: every documented consumer reads it (umoci 0.4, which Debian ships, refuses zstd layers). */
export const DEFAULT_LAYER_COMPRESSION: Compression = { format: "gzip", level: DEFAULT_LEVELS.gzip };
