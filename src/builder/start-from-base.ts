import * as tar from "tar";
import type { FromInstruction } from "../kubefile/instruction.ts";
import { normalizeImageReference } from "../oci/image-reference.ts";
import { formatPlatform, platformsEqual, type Platform } from "../oci/platform.ts";
import { readLayerPaths, writeLayerPaths, type CachedPath } from "../store/build-cache.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import type { OciStore } from "../store/oci-store.ts";
import { readImage } from "../store/read-image.ts";
import { BuildError } from "./build-error.ts";
import { chainKey } from "./hash-entries.ts";
import { parseContainerImages, parseImageExtension } from "./image-extension.ts";
import { parsePlatformGaps } from "./platform-gaps.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { RootfsIndex } from "./rootfs-index.ts";

const BUILD_FORMAT_VERSION = "lade-build-v1";

/**
 * The state a build starts from: empty for `FROM scratch`, else everything the base image carries.
 * A base that is not in the store is pulled with `pull` when given.
 */
export async function startFromBase(
  store: OciStore,
  from: FromInstruction,
  platform: Platform,
  pull?: (name: string) => Promise<Descriptor>,
): Promise<PlatformBuildState> {
  const state = emptyState(platform);
  if (from.image.toLowerCase() === "scratch") return state;

  let name: string;
  try {
    name = normalizeImageReference(from.image);
  } catch (error) {
    throw new BuildError(from.location, (error as Error).message, { cause: error });
  }
  let descriptor = await store.resolve(name);
  if (!descriptor && pull) {
    try {
      descriptor = await pull(name);
    } catch (error) {
      throw new BuildError(from.location, `Cannot pull base image "${name}": ${(error as Error).message}`, { cause: error });
    }
  }
  if (!descriptor) {
    throw new BuildError(from.location, `Cannot find base image "${name}" in the store at "${store.root}"`);
  }
  const image = await readImage(store, descriptor);
  const base = image.platforms.find((candidate) => platformsEqual(candidate.platform, platform));
  if (!base) {
    const available = image.platforms.map((candidate) => formatPlatform(candidate.platform)).join(", ");
    throw new BuildError(from.location, `Cannot use base image "${name}" for ${formatPlatform(platform)}: it has only ${available}`);
  }
  const { manifest, config } = base;
  manifest.layers.forEach((layer, index) => {
    const diffId = config.rootfs.diff_ids[index];
    if (!diffId) throw new BuildError(from.location, `Cannot use base image "${name}": its config lists fewer diff_ids than layers`);
    state.layers.push({ descriptor: layer, diffId, paths: [] });
  });
  for (const layer of manifest.layers) {
    const paths = (await readLayerPaths(store, layer.digest)) ?? (await listLayerPaths(store, layer.digest));
    state.rootfs.apply(paths.map(([path, type, mode]) => ({ path, type, mode })));
  }
  state.history.push(...(config.history ?? []));
  for (const variable of config.config.Env ?? []) {
    const equals = variable.indexOf("=");
    state.env.set(variable.slice(0, equals), variable.slice(equals + 1));
  }
  for (const [key, value] of Object.entries(config.config.Labels ?? {})) state.labels.set(key, value);
  const extension = parseImageExtension(manifest.annotations);
  // a sealer image keeps its ENV in the extension only: the config's Env wins where both say
  for (const [key, value] of Object.entries(extension?.env ?? {})) if (!state.env.has(key)) state.env.set(key, value);
  for (const application of extension?.applications ?? []) state.applications.set(application.name, application);
  state.launch = extension?.launch;
  state.containerImages.push(...parseContainerImages(manifest.annotations));
  state.platformGaps = parsePlatformGaps(manifest.annotations);
  state.author = (config as { author?: string }).author;
  state.chainKey = chainKey(BUILD_FORMAT_VERSION, formatPlatform(platform), base.descriptor.digest);
  state.baseAnnotations["org.opencontainers.image.base.name"] = name;
  state.baseAnnotations["org.opencontainers.image.base.digest"] = descriptor.digest;
  return state;
}

function emptyState(platform: Platform): PlatformBuildState {
  return {
    platform,
    layers: [],
    history: [],
    env: new Map(),
    args: new Map(),
    labels: new Map(),
    applications: new Map(),
    appLocations: new Map(),
    launch: undefined,
    cmdLines: [],
    author: undefined,
    rootfs: new RootfsIndex(),
    chainKey: chainKey(BUILD_FORMAT_VERSION, formatPlatform(platform), "scratch"),
    workingCopy: undefined,
    baseAnnotations: {},
    containerImages: [],
    platformGaps: [],
    nodeFiles: [],
    shadowedTemplates: [],
  };
}

/** Learn a base layer's paths from its tar headers, without unpacking it, and remember them. */
async function listLayerPaths(store: OciStore, layer: Digest): Promise<CachedPath[]> {
  const paths: CachedPath[] = [];
  await tar.t({
    file: store.blobPath(layer),
    maxDecompressionRatio: Number.POSITIVE_INFINITY,
    onReadEntry: (entry) => {
      const path = entry.path.replace(/^\.?\//, "").replace(/\/$/, "");
      if (!path) return;
      const type = entry.type === "Directory" ? "directory" : entry.type === "SymbolicLink" ? "symlink" : "file";
      paths.push([path, type, (entry.mode ?? 0o644) & 0o7777]);
    },
  });
  await writeLayerPaths(store, layer, paths);
  return paths;
}
