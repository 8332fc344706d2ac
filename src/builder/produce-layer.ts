import { compressionKey, type Compression } from "../compress/compression.ts";
import type { Digest } from "../oci/digest.ts";
import { readCacheRecord, writeCacheRecord, writeLayerPaths, type CacheRecord } from "../store/build-cache.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { BuildReporter } from "./build-reporter.ts";
import { chainKey } from "./hash-entries.ts";
import type { LayerEntry } from "./layer-entry.ts";
import type { LayerChange } from "./list-image-files.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { writeLayer } from "./write-layer.ts";

export interface LayerContext {
  readonly store: OciStore;
  readonly noCache: boolean;
  readonly mtime: number;
  readonly reporter: BuildReporter;
  /** How layers are compressed (registry blobs, compressed already, are always stored as a plain tar). */
  readonly compression: Compression;
  /** Filled with what each layer written (not taken from the cache) holds, for its SBOM. */
  readonly listings?: Map<string, readonly LayerChange[]>;
}

/** A plain tar: for content that is compressed already. */
export const UNCOMPRESSED: Compression = { format: "none", level: 0 };

/**
 * The layer cached under `key`, or a new one written from the produced entries (and cached).
 * An instruction that changes nothing gives `{ layer: null }`.
 */
export async function produceLayer(
  context: LayerContext,
  key: Digest,
  produce: () => Promise<readonly LayerEntry[]>,
  compression: Compression = context.compression,
): Promise<CacheRecord> {
  // Timestamps are inside the tar, so the same steps with another SOURCE_DATE_EPOCH are another layer.
  const recordKey = chainKey(key, `mtime=${context.mtime}`, compressionKey(compression));
  const cached = context.noCache ? undefined : await readCacheRecord(context.store, recordKey);
  if (cached) {
    context.reporter.log(" ---> Using cache");
    return cached;
  }
  const entries = await produce();
  const written = entries.length > 0 ? await writeLayer(context.store, entries, { mtime: context.mtime, compression, ...(context.reporter.layerBytes ? { onBytes: (done: number, total: number) => context.reporter.layerBytes!(recordKey, done, total) } : {}) }) : undefined;
  const layer = written ? { descriptor: written.descriptor, diffId: written.diffId } : undefined;
  if (written) context.listings?.set(written.descriptor.digest, written.changes);
  const paths = entries.map((entry) => [entry.path, entry.type, entry.mode] as const);
  const record: CacheRecord = { layer: layer ? { ...layer, paths } : null };
  if (layer) await writeLayerPaths(context.store, layer.descriptor.digest, paths);
  await writeCacheRecord(context.store, recordKey, record);
  if (layer) context.reporter.log(` ---> ${layer.descriptor.digest} (${layer.descriptor.size} bytes)`);
  return record;
}

/** Add a produced layer to the image being built: its history, and its paths to the rootfs index. */
export function appendLayer(state: PlatformBuildState, record: CacheRecord, text: string): void {
  if (!record.layer) {
    state.history.push({ created_by: text, empty_layer: true });
    return;
  }
  state.layers.push(record.layer);
  state.rootfs.apply(record.layer.paths.map(([path, type, mode]) => ({ path, type, mode })));
  state.history.push({ created_by: text });
}
